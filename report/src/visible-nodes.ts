import { codePointName, INVISIBLE } from '../../src/report/visible-text.js';

/**
 * `text` as nodes: a text node when it holds no invisible character (nearly always: one test), else its
 * runs of text with each invisible character as a marked `<U+XXXX>` element, whose title says what it is.
 */
export function visibleNodes(text: string): Node {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return document.createTextNode(text);
  const fragment = document.createDocumentFragment();
  let at = 0;
  INVISIBLE.lastIndex = 0;
  for (let match = INVISIBLE.exec(text); match; match = INVISIBLE.exec(text)) {
    if (match.index > at) fragment.append(text.slice(at, match.index));
    const name = codePointName(match[0]);
    const marker = document.createElement('span');
    marker.className = 'invisible-char';
    marker.title = `${name}: an invisible or text-reordering character the trace holds here`;
    marker.textContent = `<${name}>`;
    fragment.append(marker);
    at = match.index + match[0].length;
  }
  if (at < text.length) fragment.append(text.slice(at));
  return fragment;
}
