/** A word for a shell: as it is when plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The line `triage` and `postmortem` end with: how to see the same sessions drawn as a timeline. */
export function reportHint(traces: readonly string[], session?: string): string {
  return `For the timeline, run: npx warden report ${traces.map(shellWord).join(' ')}${session !== undefined ? ` --session ${shellWord(session)}` : ''} -o incident.html, then open incident.html in a browser.`;
}
