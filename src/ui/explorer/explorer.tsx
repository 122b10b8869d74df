// `nhi ui`: the interactive explorer. Three lists (identities, credentials, findings) under one
// filter line, a detail pane with the text of `nhi show`, and the chains of an identity, navigated
// as a stack (Esc goes back). Rows come from ExplorerData a page at a time (pager.ts).
import React, { useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import type { ExplorerData, Detail, ListName } from './explorer-data.js';
import { Pager, type RowStream } from './pager.js';
import { ignoredTerms, parseFilter, type ParsedFilter } from './filter.js';
import { LISTS, type ListSpec } from './list-columns.js';
import { chainEntries, chainLines } from './chain-view.js';
import type { ReachAnswer } from '../../inventory/reach-store.js';
import { errorMessage } from '../../errors.js';
import { inert } from '../../report/text-table.js';

const colour = (c: string): string | undefined => (process.env.NO_COLOR ? undefined : c);

interface UiState {
  tab: ListName;
  filterLine: string;
  /** Editing the filter line; Esc puts back what it was. */
  editing: { before: string } | null;
  parsed: ParsedFilter;
  selected: Record<ListName, number>;
  /** Detail and chain views over the lists; Esc pops one. */
  stack: View[];
  message: string | null;
}

type View =
  | { kind: 'detail'; detail: Detail; scroll: number }
  | { kind: 'chains'; identityId: string; title: string; answer: ReachAnswer; sel: number };

export interface ExplorerProps {
  data: ExplorerData;
  inventory: string;
  /** Terminal size (tests pass one; otherwise the stream's). */
  columns: number;
  rows: number;
  /** Wait this long after the last key before filtering (0: at once). */
  debounceMs?: number;
  /** Called once the first frame's rows are loaded, with how long that took. */
  onFirstPage?: (ms: number) => void;
}

const HELP: Record<'list' | 'edit' | 'detail' | 'belongs' | 'chains', string> = {
  list: '↑↓ move · PgUp/PgDn page · Tab/1-3 list · / filter · Enter identity · e the row itself · q quit',
  edit: 'type to filter (provider: kind: severity: rule: owner: status: text) · Enter keep · Esc cancel',
  detail: '↑↓ PgUp/PgDn scroll · c or Enter: chains (who can become it, what it reaches) · Esc back · q quit',
  belongs: '↑↓ PgUp/PgDn scroll · Enter its identity · c its chains · Esc back · q quit',
  chains: '↑↓ choose · Enter open that identity · Esc back · q quit',
};

export function Explorer({ data, inventory, columns, rows, debounceMs = 150, onFirstPage }: ExplorerProps): React.JSX.Element {
  const { exit } = useApp();
  const width = Math.max(40, columns);
  // Lists: tabs, filter, header, rows, count, message, help, and the last line left free.
  const bodyRows = Math.max(3, rows - 7);
  // One mutable state read and written by every key: keys arriving faster than frames (typing,
  // pasting, key repeat) each see what the one before did. bump() draws it.
  const st = useRef<UiState>({ tab: 'identities', filterLine: '', editing: null, parsed: { filter: {}, problems: [] }, selected: { identities: 0, credentials: 0, findings: 0 }, stack: [], message: null }).current;
  const [, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const pagers = useRef(new Map<ListName, Pager<unknown>>());
  const loadMs = useRef(0);
  const timer = useRef<NodeJS.Timeout | null>(null);

  const pager = (list: ListName): Pager<unknown> => {
    let pg = pagers.current.get(list);
    if (!pg) {
      const t0 = performance.now();
      pg = new Pager(data[list](st.parsed.filter) as RowStream<unknown>, bodyRows);
      pg.ensure(bodyRows);
      loadMs.current = Math.round(performance.now() - t0);
      pagers.current.set(list, pg);
    }
    return pg;
  };

  /** Load a list, saying why when it cannot (the message replaces the rows' absence). */
  const load = (list: ListName) => {
    try {
      pager(list);
      st.message = null;
    } catch (err) {
      st.message = errorMessage(err);
    }
  };

  const applyFilter = (line: string) => {
    st.parsed = parseFilter(line, data.hasProvider);
    for (const pg of pagers.current.values()) pg.close();
    pagers.current.clear();
    st.selected = { identities: 0, credentials: 0, findings: 0 };
    load(st.tab);
    bump();
  };

  // The first page is read before the first frame, so the first frame already shows it.
  const firstLoad = useRef<number | null>(null);
  if (firstLoad.current === null) {
    const t0 = performance.now();
    load(st.tab);
    firstLoad.current = performance.now() - t0;
  }

  useEffect(() => {
    onFirstPage?.(Math.round(firstLoad.current ?? 0));
    return () => {
      if (timer.current) clearTimeout(timer.current);
      for (const pg of pagers.current.values()) pg.close();
    };
    // Mount only: later loads follow keys.
  }, []);

  const scheduleFilter = (line: string) => {
    if (timer.current) clearTimeout(timer.current);
    if (debounceMs <= 0) applyFilter(line);
    else timer.current = setTimeout(() => applyFilter(line), debounceMs);
  };

  const open = (make: () => Detail) => {
    try {
      st.stack = [...st.stack, { kind: 'detail', detail: make(), scroll: 0 }];
      st.message = null;
    } catch (err) {
      st.message = errorMessage(err);
    }
  };

  const onKey = (input: string, key: Key): void => {
    const top = st.stack.at(-1);
    if (st.editing) {
      if (key.return) {
        st.editing = null;
        return;
      }
      if (key.escape) {
        st.filterLine = st.editing.before;
        st.editing = null;
        return scheduleFilter(st.filterLine);
      }
      let next = st.filterLine;
      if (key.backspace || key.delete) next = next.slice(0, -1);
      else if (key.ctrl && input === 'u') next = '';
      else if (input && !key.ctrl && !key.meta) next += input;
      if (next !== st.filterLine) {
        st.filterLine = next;
        scheduleFilter(next);
      }
      return;
    }
    if (top) {
      if (key.escape || key.backspace || key.delete || key.leftArrow || input === 'b') {
        st.stack = st.stack.slice(0, -1);
        st.message = null;
        return;
      }
      if (top.kind === 'detail') {
        const page = bodyRows + 1;
        const maxScroll = Math.max(0, top.detail.lines.length - page);
        const scroll = (d: number) => void (top.scroll = Math.max(0, Math.min(maxScroll, top.scroll + d)));
        if (key.downArrow || input === 'j') return scroll(1);
        if (key.upArrow || input === 'k') return scroll(-1);
        if (key.pageDown || input === ' ') return scroll(page);
        if (key.pageUp) return scroll(-page);
        if (key.return && top.detail.entity !== 'identity' && top.detail.identityId) {
          const id = top.detail.identityId;
          return open(() => data.identityDetail(id, width));
        }
        if ((input === 'c' || key.return) && top.detail.identityId) {
          const id = top.detail.identityId;
          try {
            st.stack = [...st.stack, { kind: 'chains', identityId: id, title: top.detail.title, answer: data.reach(id), sel: 0 }];
          } catch (err) {
            st.message = errorMessage(err);
          }
        }
        return;
      }
      const entries = chainEntries(top.answer);
      const move = (d: number) => void (top.sel = Math.max(0, Math.min(entries.length - 1, top.sel + d)));
      if (key.downArrow || input === 'j') return move(1);
      if (key.upArrow || input === 'k') return move(-1);
      if (key.return) {
        const e = entries[top.sel];
        if (!e) return;
        if (e.nodeId.startsWith('ext:')) {
          st.message = `${inert(e.nodeId)} is outside the inventory: nothing more to open`;
          return;
        }
        return open(() => data.identityDetail(e.nodeId, width));
      }
      return;
    }
    // The lists.
    const switchTo = (t: ListName) => {
      st.tab = t;
      load(t);
    };
    const order: ListName[] = ['identities', 'credentials', 'findings'];
    if (key.tab || key.rightArrow) return switchTo(order[(order.indexOf(st.tab) + (key.shift ? 2 : 1)) % 3]);
    if (key.leftArrow) return switchTo(order[(order.indexOf(st.tab) + 2) % 3]);
    if (input === '1' || input === '2' || input === '3') return switchTo(order[Number(input) - 1]);
    if (input === '/') {
      st.editing = { before: st.filterLine };
      return;
    }
    const pg = pagers.current.get(st.tab);
    if (!pg) return;
    const sel = st.selected[st.tab];
    const moveTo = (n: number) => {
      pg.ensure(n + bodyRows);
      st.selected[st.tab] = Math.max(0, Math.min(pg.rows.length - 1, n));
    };
    if (key.downArrow || input === 'j') return moveTo(sel + 1);
    if (key.upArrow || input === 'k') return moveTo(sel - 1);
    if (key.pageDown || input === ' ') return moveTo(sel + bodyRows);
    if (key.pageUp) return moveTo(sel - bodyRows);
    if (key.home || input === 'g') return moveTo(0);
    if (key.return || input === 'e') {
      const row = pg.rows[sel];
      if (row === undefined) return;
      const spec = LISTS[st.tab] as ListSpec<unknown>;
      const target = key.return ? spec.open(row) : spec.self(row);
      if (target.entity === 'identity') open(() => data.identityDetail(target.id, width));
      else if (target.entity === 'credential') open(() => data.credentialDetail(target.id, width));
      else open(() => data.findingDetail(target.id));
    }
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return exit();
    if (input === 'q' && !st.editing) return exit();
    onKey(input, key);
    bump();
  });

  const { tab, filterLine, editing, parsed, selected, message } = st;
  const top = st.stack.at(-1);
  const spec = LISTS[tab] as ListSpec<unknown>;

  const help = editing ? 'edit' : !top ? 'list' : top.kind === 'detail' && top.detail.entity !== 'identity' && top.detail.identityId ? 'belongs' : top.kind;
  const helpBar = <Text dimColor>{HELP[help]}</Text>;
  // Messages may quote names from the inventory; the filter line may hold pasted control characters.
  const status = message ? <Text color={colour('yellow')}>{inert(message)}</Text> : null;

  if (top?.kind === 'detail') {
    const page = bodyRows + 1;
    const lines = top.detail.lines.slice(top.scroll, top.scroll + page);
    return (
      <Frame width={width} rows={rows} footer={[status, helpBar]}>
        <Text bold wrap="truncate-end">
          {top.detail.title}
        </Text>
        {lines.map((l, i) => (
          <Text key={i} wrap="truncate-end">
            {l || ' '}
          </Text>
        ))}
        <Text dimColor>
          lines {top.scroll + 1}–{top.scroll + lines.length} of {top.detail.lines.length}
          {top.detail.identityId ? '' : ` · no identity: no chains`}
        </Text>
      </Frame>
    );
  }

  if (top?.kind === 'chains') {
    const entries = chainEntries(top.answer);
    const listRows = Math.max(3, Math.floor((bodyRows + 2) / 2));
    const first = Math.max(0, Math.min(top.sel - Math.floor(listRows / 2), entries.length - listRows));
    const shown = entries.slice(first, first + listRows);
    const chosen = entries[top.sel];
    return (
      <Frame width={width} rows={rows} footer={[status, helpBar]}>
        <Text bold wrap="truncate-end">
          Chains of {top.title}: {top.answer.reachers.length} can become it · it reaches {top.answer.scopes.filter((s) => s.hops > 0).length} scope(s) beyond its own grants
        </Text>
        {entries.length === 0 ? <Text>No chain leads to it or from it in the stored reach graph.</Text> : null}
        {shown.map((e, i) => (
          <Text key={first + i} inverse={first + i === top.sel} wrap="truncate-end">
            {e.label}
          </Text>
        ))}
        <Text> </Text>
        {(chosen ? chainLines(chosen) : []).slice(0, bodyRows + 1 - listRows).map((l, i) => (
          <Text key={`c${i}`} wrap="truncate-end">
            {l}
          </Text>
        ))}
      </Frame>
    );
  }

  const pg = pagers.current.get(tab);
  const sel = selected[tab];
  const first = Math.floor(sel / bodyRows) * bodyRows;
  const shown = pg ? pg.rows.slice(first, first + bodyRows) : [];
  const ignored = ignoredTerms(parsed.filter, tab);
  const count = pg ? (pg.done ? `${pg.rows.length}` : `${pg.rows.length}+`) : '…';
  return (
    <Frame width={width} rows={rows} footer={[status, helpBar]}>
      <Box>
        {(['identities', 'credentials', 'findings'] as const).map((t, i) => (
          <Text key={t} bold={t === tab} inverse={t === tab}>
            {` ${i + 1} ${t[0].toUpperCase()}${t.slice(1)} `}
          </Text>
        ))}
        <Text dimColor wrap="truncate-start">
          {'  '}
          {inert(inventory)}
        </Text>
      </Box>
      <Text wrap="truncate-end">
        <Text color={colour('cyan')}>filter: </Text>
        {inert(filterLine)}
        {editing ? <Text inverse> </Text> : filterLine ? '' : <Text dimColor>(press / : provider:aws severity:high owner:none text)</Text>}
        {parsed.problems.length ? <Text color={colour('yellow')}>{`  ${inert(parsed.problems.join('; '))}`}</Text> : null}
        {ignored.length ? <Text dimColor>{`  (${ignored.join(', ')}: not for ${tab})`}</Text> : null}
      </Text>
      <Text bold wrap="truncate-end">
        {spec.header(width)}
      </Text>
      {shown.length === 0 ? <Text dimColor>{pg?.stopped ? 'none in the rows examined so far (↓ looks further)' : `no ${tab} match`}</Text> : null}
      {shown.map((r, i) => (
        <Text key={first + i} inverse={first + i === sel} color={first + i === sel ? undefined : spec.colour?.(r)} wrap="truncate-end">
          {spec.line(r, width)}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {pg && pg.rows.length ? `${sel + 1} of ${count}` : `0 of ${count}`} · page {Math.floor(sel / bodyRows) + 1} · {loadMs.current} ms
        {pg?.stopped ? ` · examined ${pg.examined.toLocaleString('en')} rows: ↓ looks further` : ''}
      </Text>
    </Frame>
  );
}

/** The whole screen but its last line, always: each frame erases exactly the one before it. */
function Frame({ width, rows, footer, children }: { width: number; rows: number; footer: React.ReactNode[]; children: React.ReactNode }): React.JSX.Element {
  return (
    <Box flexDirection="column" width={width} height={Math.max(8, rows - 1)}>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {children}
      </Box>
      {footer.map((f, i) => (f ? <Box key={i}>{f}</Box> : null))}
    </Box>
  );
}
