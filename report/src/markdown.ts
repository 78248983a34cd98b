import { h } from './dom';
import { visibleNodes } from './visible-nodes';

/** Inline Markdown of the postmortem: `code`, **bold**, _italic_. Everything else is text. */
function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /`([^`]+)`|\*\*(.+?)\*\*|(?<![\w])_(.+?)_(?![\w])/g;
  let at = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > at) nodes.push(visibleNodes(text.slice(at, match.index)));
    if (match[1] !== undefined) nodes.push(h('code', {}, match[1]));
    else if (match[2] !== undefined) nodes.push(h('strong', {}, ...inline(match[2])));
    else nodes.push(h('em', {}, ...inline(match[3]!)));
    at = match.index + match[0].length;
  }
  if (at < text.length) nodes.push(visibleNodes(text.slice(at)));
  return nodes;
}

function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/**
 * Renders the Markdown subset `warden postmortem` writes (headings, lists, tables, paragraphs,
 * inline code, bold, italic) as elements; no HTML in the text is ever interpreted.
 */
export function renderMarkdown(markdown: string): HTMLElement {
  const root = h('div', { class: 'markdown' });
  const lines = markdown.split('\n');
  let list: HTMLElement | null = null;
  let nested: HTMLElement | null = null;
  const endList = () => {
    list = null;
    nested = null;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (line.trim() === '') {
      endList();
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      endList();
      const level = Math.min(6, heading[1]!.length + 2);
      root.append(h(`h${level}` as 'h3', {}, ...inline(heading[2]!)));
      continue;
    }
    if (line.startsWith('|')) {
      endList();
      const rows: string[] = [];
      while (index < lines.length && lines[index]!.startsWith('|')) rows.push(lines[index++]!);
      index -= 1;
      const [head, , ...body] = rows;
      const table = h('table', { class: 'md-table' });
      table.append(h('thead', {}, h('tr', {}, ...cells(head ?? '').map((cell) => h('th', { scope: 'col' }, ...inline(cell))))));
      table.append(h('tbody', {}, ...body.map((row) => h('tr', {}, ...cells(row).map((cell) => h('td', {}, ...inline(cell)))))));
      root.append(h('div', { class: 'table-wrap' }, table));
      continue;
    }
    const bullet = /^(\s*)(-|\d+\.)\s+(.*)$/.exec(line);
    if (bullet) {
      const ordered = bullet[2] !== '-';
      const item = h('li', {}, ...inline(bullet[3]!));
      if (bullet[1]!.length >= 2 && list) {
        if (!nested) {
          nested = h('ul');
          (list.lastElementChild ?? list).append(nested);
        }
        nested.append(item);
      } else {
        if (!list || (list.tagName === 'OL') !== ordered) {
          list = h(ordered ? 'ol' : 'ul');
          root.append(list);
        }
        nested = null;
        list.append(item);
      }
      continue;
    }
    endList();
    root.append(h('p', {}, ...inline(line)));
  }
  return root;
}
