import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specExample } from '../helpers/trace-format.js';


const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the report in the published package', () => {
  it('ships the built page, and `warden report` works from the package alone, with no build step', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Array<{ files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((entry) => entry.path);
    expect(files).toContain('dist/src/report/report-page.html');
    expect(files.some((path) => path.startsWith('report/'))).toBe(false);

    // Only what npm would install: the packed files, and the dependencies beside them.
    const installed = mkdtempSync(join(tmpdir(), 'warden-package-'));
    for (const path of files) {
      mkdirSync(dirname(join(installed, path)), { recursive: true });
      copyFileSync(join(ROOT, path), join(installed, path));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
    writeFileSync(join(installed, 'trace.jsonl'), specExample());
    const run = spawnSync(process.execPath, [join(installed, 'bin', 'warden.js'), 'report', 'trace.jsonl', '-o', 'incident.html'], { cwd: installed, encoding: 'utf8' });
    expect(run.stderr).toContain('wrote incident.html');
    expect(run.status).toBe(0);
    expect(readFileSync(join(installed, 'incident.html'), 'utf8')).toContain('"session_id":"s-0237"');
  });
});
