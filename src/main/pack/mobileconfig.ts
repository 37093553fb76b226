// Apple configuration profile (.mobileconfig) with one root-certificate payload, for Macs, iPhones and iPads.
import { createHash } from 'node:crypto';
import { escXml } from '../html.js';
import { sha256Hex } from '../cert/describe.js';

/** A stable RFC 4122-shaped UUID (version 5 bits) derived from the root's fingerprint and a label. */
export function stableUuid(sha256Hex: string, label: string): string {
  const h = createHash('sha256').update(`lantrust:${label}:${sha256Hex.toLowerCase()}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export interface MobileconfigOptions {
  rootDer: Buffer;
  company: string;
}

export function mobileconfig(o: MobileconfigOptions): string {
  const sha = sha256Hex(o.rootDer);
  const id = `lantrust.root.${sha.slice(0, 16)}`;
  const b64 = o.rootDer.toString('base64').replace(/(.{52})/g, '$1\n\t\t\t').trimEnd();
  const company = escXml(o.company);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
		<dict>
			<key>PayloadCertificateFileName</key>
			<string>root.cer</string>
			<key>PayloadContent</key>
			<data>
			${b64}
			</data>
			<key>PayloadDescription</key>
			<string>Adds the ${company} root certificate so company devices (cameras, intranet) are trusted.</string>
			<key>PayloadDisplayName</key>
			<string>${company} root certificate</string>
			<key>PayloadIdentifier</key>
			<string>${id}.cert</string>
			<key>PayloadType</key>
			<string>com.apple.security.root</string>
			<key>PayloadUUID</key>
			<string>${stableUuid(sha, 'cert')}</string>
			<key>PayloadVersion</key>
			<integer>1</integer>
		</dict>
	</array>
	<key>PayloadDescription</key>
	<string>Trusts the ${company} root certificate (SHA-256 ${sha}).</string>
	<key>PayloadDisplayName</key>
	<string>${company} root certificate</string>
	<key>PayloadIdentifier</key>
	<string>${id}</string>
	<key>PayloadOrganization</key>
	<string>${company}</string>
	<key>PayloadRemovalDisallowed</key>
	<false/>
	<key>PayloadType</key>
	<string>Configuration</string>
	<key>PayloadUUID</key>
	<string>${stableUuid(sha, 'profile')}</string>
	<key>PayloadVersion</key>
	<integer>1</integer>
</dict>
</plist>
`;
}
