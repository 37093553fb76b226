// Human output shared by the verbs: certificate descriptions and findings.
import { keyWords, type CertInfo } from '../cert/describe.js';
import { color } from '../term.js';
import { describeConstraints } from '../constraints/model.js';
import type { Finding } from '../constraints/lint.js';

export { color } from '../term.js';

export function formatCert(info: CertInfo, indent = '  '): string {
  const lines: [string, string][] = [
    ['Subject', info.subject],
    ['Issuer', info.selfIssued ? `${info.issuer} (self-signed)` : info.issuer],
    ['Valid', `${info.notBefore.slice(0, 10)} to ${info.notAfter.slice(0, 10)}`],
    ['Key', keyWords(info)],
    ['Signature', info.signatureAlgorithm],
    ['SHA-256', info.sha256],
    ['Thumbprint', `${info.sha1Thumbprint} (SHA-1, as Windows shows it)`],
  ];
  const bc = info.basicConstraints;
  lines.push(['CA', bc ? `${bc.ca ? 'yes' : 'no'}${bc.pathLen !== undefined ? `, pathLen ${bc.pathLen}` : ''}${bc.critical ? ' (critical)' : ''}` : 'no basicConstraints']);
  if (info.keyUsage) lines.push(['Key usage', info.keyUsage.usages.join(', ')]);
  if (info.extKeyUsage) lines.push(['Ext. key usage', info.extKeyUsage.usages.join(', ')]);
  const san = info.subjectAltName;
  if (san) lines.push(['Names (SAN)', [...san.dns, ...san.ip.map((i) => `IP ${i}`), ...san.email, ...san.uri, ...san.other].join(', ')]);
  const nc = info.nameConstraints;
  if (nc) {
    lines.push(['Constraints', `${describeConstraints(nc)}${nc.critical ? ' (critical)' : ' (NOT critical)'}`]);
    if (nc.permitted.length) lines.push(['  permitted', nc.permitted.map((s) => `${s.type}:${s.value || '(empty)'}`).join(', ')]);
    if (nc.excluded.length) lines.push(['  excluded', nc.excluded.map((s) => `${s.type}:${s.value || '(empty)'}`).join(', ')]);
  } else if (bc?.ca) {
    lines.push(['Constraints', 'none — can vouch for any name']);
  }
  const w = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`).join('\n');
}

export function formatFindings(findings: Finding[]): string {
  const out: string[] = [];
  const groups: [Finding['severity'], string, (s: string) => string][] = [
    ['error', 'Errors', color.red],
    ['warning', 'Warnings', color.yellow],
    ['info', 'Notes', color.dim],
  ];
  for (const [sev, title, paint] of groups) {
    const items = findings.filter((f) => f.severity === sev);
    if (!items.length) continue;
    out.push(`\n${paint(title)}:`);
    for (const f of items) {
      out.push(`  ${paint(sev === 'error' ? '✗' : sev === 'warning' ? '!' : '·')} ${f.message} ${color.dim(`[${f.id}]`)}`);
      out.push(`    fix: ${f.fix}`);
    }
  }
  return out.join('\n');
}
