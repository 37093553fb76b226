// Browser policy documents for the company root: Chrome/Chromium/Edge managed policy and Firefox policies.json.
// The install engine writes chromePolicy() into /etc/chromium/policies/managed; the test engine reads the same shape.

/** Policy-side constraints (Chrome's CACertificatesWithConstraints), checked against the leaf. */
export interface PolicyConstraints {
  permitDns: string[];
  permitCidr: string[];
}

function hasConstraints(c: PolicyConstraints | undefined): c is PolicyConstraints {
  return !!c && (c.permitDns.length > 0 || c.permitCidr.length > 0);
}

/**
 * Chrome managed policy trusting `rootDer`: CACertificatesWithConstraints when constraints are given
 * (Chrome leaves a name type without constraints unconstrained), else plain CACertificates.
 */
export function chromePolicy(rootDer: Buffer, constraints?: PolicyConstraints): Record<string, unknown> {
  const certificate = rootDer.toString('base64');
  if (!hasConstraints(constraints)) return { CACertificates: [certificate] };
  const c: Record<string, string[]> = {};
  if (constraints.permitDns.length) c.permitted_dns_names = [...constraints.permitDns];
  if (constraints.permitCidr.length) c.permitted_cidrs = [...constraints.permitCidr];
  return { CACertificatesWithConstraints: [{ certificate, constraints: c }] };
}

/** The JSON string Windows stores in the CACertificatesWithConstraints REG_SZ value (same content as the Linux file). */
export function chromeConstraintsJson(rootDer: Buffer, constraints: PolicyConstraints): string {
  const p = chromePolicy(rootDer, constraints);
  return JSON.stringify(p.CACertificatesWithConstraints);
}

export interface FirefoxPolicyOptions {
  /**
   * Paths Firefox should import the root from (Certificates.Install): a file name is looked up in
   * Firefox's own certificate folders, an absolute path is used as is.
   */
  installPaths?: string[];
}

/** Firefox enterprise policies.json: import the OS roots and install root.cer. */
export function firefoxPolicy(_rootDer: Buffer, opts: FirefoxPolicyOptions = {}): Record<string, unknown> {
  return {
    policies: {
      Certificates: {
        ImportEnterpriseRoots: true,
        Install: opts.installPaths ?? ['root.cer'],
      },
    },
  };
}
