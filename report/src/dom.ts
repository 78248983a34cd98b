/** Element builders: every text goes in as a text node, never as HTML, invisible characters shown. */
import { visibleText } from '../../src/report/visible-text.js';
import { visibleNodes } from './visible-nodes';

export type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

function apply(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    // A tooltip or a label is text people read: shown like the text of the page. Other attributes are ids and classes, kept exact.
    else if (name === 'title' || name === 'aria-label') element.setAttribute(name, visibleText(String(value)));
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(parent: Node, children: Child[]): void {
  // SVG text cannot hold an HTML marker: there the characters are written out as plain `<U+XXXX>`.
  const svg = parent instanceof SVGElement;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
    else if (typeof child === 'string') parent.appendChild(svg ? document.createTextNode(visibleText(child)) : visibleNodes(child));
    else parent.appendChild(child);
  }
}

/** An HTML element: `h('button', { class: 'x', onClick: fn }, 'text')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attributes);
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  apply(element, attributes);
  append(element, children);
  return element;
}
