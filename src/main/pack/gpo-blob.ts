// The registry "Blob" Group Policy stores for a trusted root
// (HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\Root\Certificates\<SHA1>\Blob):
// a serialized certificate store element ([MS-GPEF] certificate BLOB, what CertSerializeCertificateStoreElement
// writes) — property records, then the certificate itself as property 32.
import { createHash } from 'node:crypto';
import { rawParts } from '../cert/describe.js';
import { readOne } from '../cert/der.js';

/** Property ids (wincrypt.h CERT_*_PROP_ID) we write. */
export const PROP = {
  SHA1_HASH: 3,
  FRIENDLY_NAME: 11,
  KEY_IDENTIFIER: 20,
  CERTIFICATE: 32,
} as const;

const SKI_OID = '2.5.29.14';

/** One record: [propId u32LE][1 u32LE (encoding type / reserved)][length u32LE][value]. */
export function propertyRecord(propId: number, value: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(propId, 0);
  head.writeUInt32LE(1, 4);
  head.writeUInt32LE(value.length, 8);
  return Buffer.concat([head, value]);
}

/** The subjectKeyIdentifier value (the OCTET STRING's content), if the certificate has one. */
export function subjectKeyId(der: Buffer): Buffer | undefined {
  const ext = rawParts(der).extensions.find((e) => e.oid === SKI_OID);
  return ext ? Buffer.from(readOne(ext.value).value) : undefined;
}

export interface BlobOptions {
  /** Shown as the certificate's Friendly Name in certlm.msc. */
  friendlyName?: string;
}

/** Serialized store element for `der`: SHA-1 hash, optional friendly name, key identifier (when SKI is present), then the DER. */
export function gpoCertificateBlob(der: Buffer, opts: BlobOptions = {}): Buffer {
  const parts: Buffer[] = [propertyRecord(PROP.SHA1_HASH, createHash('sha1').update(der).digest())];
  if (opts.friendlyName) {
    // LPWSTR with its terminating NUL, as CryptoAPI stores it.
    parts.push(propertyRecord(PROP.FRIENDLY_NAME, Buffer.from(`${opts.friendlyName}\0`, 'utf16le')));
  }
  const ski = subjectKeyId(der);
  if (ski) parts.push(propertyRecord(PROP.KEY_IDENTIFIER, ski));
  parts.push(propertyRecord(PROP.CERTIFICATE, der));
  return Buffer.concat(parts);
}

/** The registry key (under HKLM) the blob goes in. */
export function gpoRootKey(der: Buffer): string {
  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  return `HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\Root\\Certificates\\${sha1}`;
}
