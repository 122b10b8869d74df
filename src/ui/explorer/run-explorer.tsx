// Runs the explorer full screen on a terminal: the alternate screen while it runs, and the
// terminal as it was (main screen, cursor shown) however it ends, error or signal included.
import React from 'react';
import { render } from 'ink';
import { Explorer } from './explorer.js';
import type { ExplorerData } from './explorer-data.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export async function runExplorer(data: ExplorerData, inventory: string, io: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream } = process): Promise<void> {
  const { stdout, stdin } = io;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_ALT + SHOW_CURSOR);
  };
  const onSignal = () => {
    restore();
    process.exit(130);
  };
  stdout.write(ENTER_ALT);
  // Raw at once: keys typed before the first frame are kept for the explorer, not echoed over it.
  if (stdin.isTTY) stdin.setRawMode(true);
  process.once('exit', restore);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    const app = render(<Explorer data={data} inventory={inventory} columns={stdout.columns || 100} rows={stdout.rows || 24} />, {
      stdout,
      stdin,
      // Ctrl-C is a key in raw mode: the explorer quits on it and restores the terminal here.
      exitOnCtrlC: false,
      patchConsole: false,
    });
    const onResize = () => app.rerender(<Explorer data={data} inventory={inventory} columns={stdout.columns || 100} rows={stdout.rows || 24} />);
    stdout.on('resize', onResize);
    try {
      await app.waitUntilExit();
    } finally {
      stdout.off('resize', onResize);
      app.unmount();
    }
  } finally {
    if (stdin.isTTY) stdin.setRawMode(false);
    restore();
    process.off('exit', restore);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
