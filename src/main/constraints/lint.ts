// Root lint: is this certificate fit to hand to every employee as a trusted root?
// Rules follow RFC 5280 4.2.1.10, CA/B BR 7.1.2.5.2, zlint/pkilint, and what Chrome enforces on local anchors.
import type { CertInfo } from '../cert/describe.js';
import { cidrWithin, parseCidr, type Cidr } from './cidr.js';
import { dnsSubtreeWithin, parseDnsConstraint } from './dns.js';
import type { Subtree } from './model.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  fix: string;
}

export interface LintOptions {
  expectDns?: string[];
  expectCidr?: string[];
  now?: Date;
}

const DAY = 86_400_000;
const GOOD_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

const FIX_CONSTRAIN =
  'make a constrained root with `lantrust ca init --name "Company" --permit-dns cams.example.com --permit-cidr 192.168.0.0/16`, or keep this root and let Chrome/Edge constrain it by policy: `lantrust gen --root FILE --permit-dns cams.example.com --permit-cidr 192.168.0.0/16`';

export function lintRoot(info: CertInfo, opts: LintOptions = {}): Finding[] {
  const f: Finding[] = [];
  const add = (id: string, severity: Severity, message: string, fix: string) => f.push({ id, severity, message, fix });
  const now = opts.now ?? new Date();

  // --- is it a CA at all ---
  if (!info.basicConstraints?.ca) {
    add('not-ca', 'error', 'This is not a CA certificate (no basicConstraints CA:TRUE), so it cannot vouch for any device; it looks like a device certificate.', 'Distribute the root that issued it instead (for Axis device certificates: make your own root with `lantrust ca init`).');
  } else if (!info.basicConstraints.critical) {
    add('basic-constraints-not-critical', 'warning', 'basicConstraints is not marked critical.', 'Re-issue the root with a critical basicConstraints (`lantrust ca init` does).');
  }
  // A device certificate fails on that alone; CA-only rules (keyCertSign, constraints) would be noise.
  const isCa = Boolean(info.basicConstraints?.ca);
  if (isCa && info.keyUsage && !info.keyUsage.usages.includes('keyCertSign')) {
    add('no-keycertsign', 'error', `keyUsage (${info.keyUsage.usages.join(', ') || 'empty'}) does not include keyCertSign, so nothing signed by this key is accepted.`, 'Re-issue the root with keyUsage keyCertSign, cRLSign (`lantrust ca init` does).');
  }
  if (!info.selfIssued) {
    add('not-self-issued', 'info', `This certificate was issued by "${info.issuer}", not by itself: it is an intermediate. Trusting it as a root works in Chrome and Windows, but the real root is "${info.issuer}".`, 'Distribute the top certificate of the chain unless you deliberately trust only this intermediate.');
  }

  // --- validity ---
  const nb = new Date(info.notBefore).getTime();
  const na = new Date(info.notAfter).getTime();
  if (na < now.getTime()) {
    add('expired', 'error', `The root expired on ${info.notAfter.slice(0, 10)}; browsers refuse every certificate under it.`, 'Make a new root (`lantrust ca init`), re-issue the device certificates and distribute the new root.');
  } else if (nb > now.getTime()) {
    add('not-yet-valid', 'error', `The root is not valid until ${info.notBefore.slice(0, 10)}; check this machine's clock or the root's dates.`, 'Fix the clock, or re-issue the root with a start date in the past.');
  } else if (na - now.getTime() < 90 * DAY) {
    const days = Math.floor((na - now.getTime()) / DAY);
    add('expires-soon', 'warning', `The root expires in ${days} days (${info.notAfter.slice(0, 10)}).`, 'Plan a new root now: make it with `lantrust ca init`, distribute it alongside the old one, then re-issue the devices.');
  }

  // --- key and signature ---
  const pk = info.publicKey;
  if (pk.type === 'RSA' && (pk.bits ?? 0) < 2048) {
    add('weak-rsa-key', 'error', `The RSA key is ${pk.bits} bits; 2048 is the minimum.`, 'Make a new root with an EC P-256 or RSA 2048+ key (`lantrust ca init --key ec-p256`).');
  } else if (pk.type === 'EC' && !GOOD_CURVES.has(pk.curve ?? '')) {
    add('bad-curve', 'error', `The EC curve ${pk.curve ?? '(unknown)'} is not one Chrome accepts (P-256, P-384, P-521).`, 'Make a new root with `lantrust ca init --key ec-p256`.');
  } else if (pk.type !== 'RSA' && pk.type !== 'EC') {
    add('unsupported-key', 'error', `The ${pk.type} key type is not accepted by Chrome for TLS certificate chains.`, 'Make a new root with `lantrust ca init --key ec-p256`.');
  }
  if (/sha1|md5|SHA1/i.test(info.signatureAlgorithm) && !info.selfIssued) {
    add('sha1-signature', 'error', `The certificate is signed with ${info.signatureAlgorithm}, which Chrome refuses.`, 'Re-issue it with SHA-256.');
  } else if (/sha1|md5|SHA1/i.test(info.signatureAlgorithm)) {
    add('sha1-self-signature', 'info', `The root's self-signature uses ${info.signatureAlgorithm}; browsers ignore a trust anchor's own signature, but tools may complain.`, 'Prefer SHA-256 when you next make a root.');
  }

  // --- EKU ---
  if (info.extKeyUsage) {
    const u = info.extKeyUsage.usages;
    if (!u.includes('serverAuth') && !u.includes('anyExtendedKeyUsage')) {
      add('eku-no-serverauth', 'error', `Its extended key usage (${u.join(', ')}) does not allow serverAuth, so Chrome refuses every web server under it.`, 'Use a root without an EKU extension, or with serverAuth (`lantrust ca init` makes one).');
    }
  }

  // --- name constraints ---
  const nc = info.nameConstraints;
  if (!isCa) {
    // nothing more to say about constraints on a certificate that cannot vouch for anything
  } else if (!nc) {
    add('no-name-constraints', 'error', 'The root has no name constraints: if its key ever leaks, it can impersonate any website (your bank, your mail) on every machine that trusts it.', FIX_CONSTRAIN);
  } else {
    if (!nc.critical) add('name-constraints-not-critical', 'warning', 'nameConstraints is not marked critical (RFC 5280 says it must be); software that ignores it would trust any name.', 'Re-issue the root with critical name constraints (`lantrust ca init` does).');
    if (nc.emptyPermitted || nc.emptyExcluded) add('empty-subtrees', 'error', 'The name constraints contain an empty permitted or excluded list, which RFC 5280 forbids; some clients reject the root.', 'Re-issue the root with `lantrust ca init`.');
    if (!nc.permitted.length && !nc.excluded.length) add('empty-name-constraints', 'error', 'The nameConstraints extension is empty: it restricts nothing.', FIX_CONSTRAIN);
    const all = [...nc.permitted, ...nc.excluded];
    for (const st of all) {
      for (const p of st.problems) {
        const isMinMax = p.includes('minimum') || p.includes('maximum');
        const isIp = st.type === 'ip';
        const id = isMinMax ? 'subtree-min-max' : isIp ? 'malformed-ip-subtree' : 'unsupported-subtree';
        add(id, isMinMax || isIp ? 'error' : 'warning', `Name-constraint subtree ${label(st)}: ${p}.`, 'Re-issue the root with `lantrust ca init`, which encodes constraints correctly.');
      }
      if (st.type === 'dns' && st.value === '' && nc.permitted.includes(st)) {
        add('broad-dns', 'warning', 'A permitted dNSName subtree is empty, which allows every DNS name.', 'Permit only your own domain, e.g. --permit-dns cams.example.com.');
      }
    }
    const has = (list: Subtree[], t: string) => list.some((s) => s.type === t);
    const excludesAllIp =
      nc.excluded.some((s) => s.type === 'ip' && s.cidr?.prefix === 0 && s.cidr.addr.length === 4) &&
      nc.excluded.some((s) => s.type === 'ip' && s.cidr?.prefix === 0 && s.cidr.addr.length === 16);
    const excludesAllDns = nc.excluded.some((s) => s.type === 'dns' && s.value === '');
    if (has(nc.permitted, 'dns') && !has(nc.permitted, 'ip') && !excludesAllIp) {
      add('ip-names-open', 'error', 'The constraints limit DNS names but not IP addresses, so this root can still vouch for any IP address — any https://<ip>/ site.', 'Add the camera ranges (--permit-cidr 192.168.0.0/16), or exclude 0.0.0.0/0 and ::/0; `lantrust ca init` does this for you.');
    }
    if (has(nc.permitted, 'ip') && !has(nc.permitted, 'dns') && !excludesAllDns) {
      add('dns-names-open', 'error', 'The constraints limit IP addresses but not DNS names, so this root can still vouch for any website name.', 'Add your domain (--permit-dns cams.example.com), or exclude all DNS names; `lantrust ca init` does this for you.');
    }
    if (!has(nc.permitted, 'dns') && !has(nc.permitted, 'ip') && !(excludesAllDns && excludesAllIp) && (nc.permitted.length || nc.excluded.length)) {
      if (!nc.permitted.length) {
        add('only-exclusions', 'error', 'The constraints only exclude some names; everything else, DNS names and IP addresses alike, stays open.', FIX_CONSTRAIN);
      }
    }
    for (const st of nc.permitted) {
      if (st.type === 'dns' && st.value && !st.value.replace(/^\./, '').includes('.')) {
        add('broad-dns', 'warning', `The permitted name "${st.value}" is a whole top-level domain; the root can vouch for every site under it.`, 'Permit only your own domain, e.g. --permit-dns cams.example.com.');
      }
      if (st.type === 'ip' && st.cidr && st.cidr.prefix >= 0 && st.cidr.prefix < (st.cidr.addr.length === 4 ? 8 : 32)) {
        add('broad-cidr', 'warning', `The permitted range ${st.value} is very broad (wider than /${st.cidr.addr.length === 4 ? 8 : 32}).`, 'Permit just the camera ranges, e.g. --permit-cidr 192.168.1.0/24.');
      }
    }
  }

  // --- expectations ---
  for (const name of opts.expectDns ?? []) {
    const n = parseDnsConstraint(name);
    const why = expectDnsProblem(n, nc?.permitted ?? [], nc?.excluded ?? []);
    if (why) add('expect-dns', 'error', `${n} is not covered: ${why}.`, `Make the root (or policy constraints) permit ${n}, e.g. --permit-dns ${n}.`);
  }
  for (const cidrText of opts.expectCidr ?? []) {
    const c = parseCidr(cidrText);
    const why = expectCidrProblem(c, nc?.permitted ?? [], nc?.excluded ?? []);
    if (why) add('expect-cidr', 'error', `${cidrText} is not covered: ${why}.`, `Make the root (or policy constraints) permit ${cidrText}, e.g. --permit-cidr ${cidrText}.`);
  }
  return f;
}

function label(st: Subtree): string {
  return `${st.type}:${st.value === '' ? '(empty)' : st.value}`;
}

function expectDnsProblem(name: string, permitted: Subtree[], excluded: Subtree[]): string | undefined {
  const ex = excluded.find((s) => s.type === 'dns' && (s.value === '' || dnsSubtreeWithin(name, s.value) || dnsSubtreeWithin(s.value.replace(/^\./, ''), name)));
  if (ex) return ex.value === '' ? 'the root excludes all DNS names' : `it overlaps the excluded subtree ${ex.value}`;
  const p = permitted.filter((s) => s.type === 'dns');
  if (p.length && !p.some((s) => dnsSubtreeWithin(name, s.value))) return `the root permits only ${p.map((s) => s.value).join(', ')}`;
  return undefined;
}

function expectCidrProblem(c: Cidr, permitted: Subtree[], excluded: Subtree[]): string | undefined {
  const ex = excluded.find((s) => s.type === 'ip' && s.cidr && (cidrWithin(c, s.cidr) || cidrWithin(s.cidr, c)));
  if (ex) return `it overlaps the excluded range ${ex.value}`;
  const p = permitted.filter((s) => s.type === 'ip');
  if (p.length && !p.some((s) => s.cidr && cidrWithin(c, s.cidr))) return `the root permits only ${p.map((s) => s.value).join(', ')}`;
  return undefined;
}

export function worstSeverity(f: Finding[]): Severity | undefined {
  if (f.some((x) => x.severity === 'error')) return 'error';
  if (f.some((x) => x.severity === 'warning')) return 'warning';
  return f.length ? 'info' : undefined;
}
