/**
 * The anchor and base64 passes of src/text/injection.ts before issue 12 (a global regular expression, a
 * generator), kept to test the new ones against. The anchors are today's (each rule's own words, their
 * union here; markup; foreign words that are not ASCII): the test is of the passes, not of the list.
 */
/**
 * Words at least one of which every rule's match contains. The rules run only in windows around
 * them, so data-heavy content (ids, numbers, addresses) costs one cheap pass.
 */
const ANCHORS = new RegExp(
  [
    '\\b(?:ignore|disregard|forget|override|bypass|ai|a\\.i|assistants?|models?|llms?|chatbots?|chatgpt|gpt|claude|gemini|copilot|agents?|automated|you|mode|user|prompt|instructions|developer|conversation|chat|history|transcript|urls?|links?|images?|query|markdown|now|henceforth|whoever|anyone|anybody|your|tell|telling|keep|mention|tool|function|assistant|customer|human|owner|passwords?|passcodes?|codes?|otp|keys?|apikeys?|credentials|tokens?|phrase|data|ignora|ignorar|olvida|olvidar|omite|ignorer|ignorez|oublie|oublier|oubliez|ignoriere|ignorieren|vergiss|vergessen|dimentica|esqueca|negeer|vergeet|debe|doit|muss|deve|jetzt|eres|maintenant|bots?|crawlers?|scrapers?|following|obeying|listening|zignoruj|ignoruj|zapomnij)\\b',
    '<\\||\\[/?inst|<<|<\\s*/?\\s*(?:system|sys|instructions?|developer)|\\]\\(|\\b[A-Z]{2}\\d{2}',
    'esqueça|игнорируй|забудь|проигнорируй|忽略|无视|忘记|忽视|無視|忘れ|이전',
  ].join('|'),
  'gi',
);
/** A window around an anchor: longer than any rule's match on either side. */
const WINDOW_BEFORE = 420;
const WINDOW_AFTER = 620;

/** Merged [start, end) windows around anchors, or `undefined` when they cover most of the text anyway. */
export function anchorWindows(text: string): Array<[number, number]> | undefined {
  const windows: Array<[number, number]> = [];
  ANCHORS.lastIndex = 0;
  for (let match = ANCHORS.exec(text); match !== null; match = ANCHORS.exec(text)) {
    const start = Math.max(0, match.index - WINDOW_BEFORE);
    const end = Math.min(text.length, match.index + WINDOW_AFTER);
    const last = windows[windows.length - 1];
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
    // Past the window's end there is nothing new to find for this anchor.
    if (end > ANCHORS.lastIndex) ANCHORS.lastIndex = Math.max(ANCHORS.lastIndex, end - WINDOW_BEFORE);
  }
  let covered = 0;
  for (const [start, end] of windows) covered += end - start;
  return covered > text.length / 2 ? undefined : windows;
}

function isBase64Char(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 43 || code === 47;
}

/**
 * [start, end) of every run of at least 24 base64 characters, with up to two `=` after it, each
 * character read once (a regular expression restarted at every letter of every shorter word).
 */
export function* base64Runs(text: string): Generator<[number, number]> {
  let start = 0;
  for (let index = 0; index <= text.length; index += 1) {
    if (index < text.length && isBase64Char(text.charCodeAt(index))) continue;
    if (index - start >= 24) {
      let end = index;
      while (end < text.length && end - index < 2 && text.charCodeAt(end) === 61) end += 1;
      yield [start, end];
    }
    start = index + 1;
  }
}

