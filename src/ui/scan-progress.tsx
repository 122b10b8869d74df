// Live scan progress on stderr (ink). Only the UI layer imports ink/React; the scan
// service knows nothing of it and reports through a ProgressListener.
import React, { useEffect, useState } from 'react';
import { Box, Text, render } from 'ink';
import type { ProgressListener, TargetProgress } from '../scan/progress.js';
import { inert } from '../report/text-table.js';

interface Board {
  targets: Map<string, TargetProgress>;
}

const STATE_COLOR: Record<string, string> = { running: 'cyan', discovering: 'cyan', complete: 'green', partial: 'yellow', failed: 'red' };
// https://no-color.org: a non-empty NO_COLOR turns colour off (the layout and spinner stay).
const colour = (c: string | undefined): string | undefined => (process.env.NO_COLOR ? undefined : c);
const dim = (): boolean => !process.env.NO_COLOR;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function Row({ t, frame }: { t: TargetProgress; frame: number }) {
  const active = t.state === 'running' || t.state === 'discovering';
  const wait = t.waitingUntil && t.waitingUntil > Date.now() ? Math.ceil((t.waitingUntil - Date.now()) / 1000) : 0;
  const mark = active ? FRAMES[frame % FRAMES.length] : t.state === 'complete' ? '✔' : t.state === 'partial' ? '!' : '✖';
  return (
    <Box>
      <Text color={colour(STATE_COLOR[t.state])}>{mark} </Text>
      <Box width={34}>
        <Text wrap="truncate-end">{inert(t.label)}</Text>
      </Box>
      <Text>
        {' '}
        {String(t.found).padStart(7)} found {String(t.apiCalls).padStart(6)} calls {t.retries ? <Text color={colour('yellow')}>{t.retries} retries </Text> : null}
        {t.errors ? <Text color={colour('red')}>{t.errors} errors </Text> : null}
        {wait ? <Text color={colour('yellow')}>rate limited, resuming in {wait}s </Text> : null}
        {active && !wait && t.lastLog ? <Text dimColor={dim()}>{inert(t.lastLog).slice(0, 60)}</Text> : null}
      </Text>
    </Box>
  );
}

function ScanProgress({ board }: { board: Board }) {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => f + 1), 120);
    return () => clearInterval(timer);
  }, []);
  const rows = [...board.targets.values()].filter((t) => !(t.state === 'complete' && t.targetKey.endsWith(':discovery')));
  const found = rows.reduce((a, t) => a + t.found, 0);
  const calls = rows.reduce((a, t) => a + t.apiCalls, 0);
  return (
    <Box flexDirection="column">
      {rows.slice(-20).map((t) => (
        <Row key={`${t.scanner}/${t.targetKey}`} t={t} frame={frame} />
      ))}
      {rows.length > 20 ? <Text dimColor={dim()}>… {rows.length - 20} more targets</Text> : null}
      <Text dimColor={dim()}>
        {found} records · {calls} API calls · Ctrl-C stops (earlier scans stay intact)
      </Text>
    </Box>
  );
}

export interface ProgressView {
  listener: ProgressListener;
  stop(): void;
}

/** Interactive progress for a TTY (stderr unless told). */
export function renderScanProgress(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const board: Board = { targets: new Map() };
  const app = render(<ScanProgress board={board} />, { stdout: stream, patchConsole: false, exitOnCtrlC: false });
  return {
    listener: (t) => {
      board.targets.set(`${t.scanner}/${t.targetKey}`, t);
    },
    stop: () => {
      app.rerender(<ScanProgress board={board} />);
      app.unmount();
    },
  };
}

/** Plain progress lines for logs and CI: one line per target start/finish and per notable event. */
export function plainScanProgress(write: (s: string) => void = (s) => process.stderr.write(s)): ProgressView {
  const started = new Set<string>();
  const lastLog = new Map<string, number>();
  return {
    listener: (t, event, message) => {
      const key = `${t.scanner}/${t.targetKey}`;
      if (t.state === 'running' && !started.has(key)) {
        started.add(key);
        write(`scan ${inert(t.scanner)} ${inert(t.label)}: started\n`);
      }
      if (event === 'log' && message) {
        const now = Date.now();
        if (now - (lastLog.get(key) ?? 0) > 2000 || /retry|wait|rate/i.test(message)) {
          lastLog.set(key, now);
          write(`scan ${inert(t.scanner)} ${inert(t.label)}: ${inert(message)}\n`);
        }
      }
      if (t.finishedAt && (t.state === 'complete' || t.state === 'partial' || t.state === 'failed') && !started.has(key + '#done')) {
        started.add(key + '#done');
        if (!t.targetKey.endsWith(':discovery') || t.state === 'failed') {
          write(`scan ${inert(t.scanner)} ${inert(t.label)}: ${t.state} — ${t.found} records, ${t.apiCalls} API calls, ${t.retries} retries, ${t.errors} errors\n`);
        }
      }
    },
    stop: () => {},
  };
}
