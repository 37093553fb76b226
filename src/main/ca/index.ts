// The company CA: what the CLI, the UI and the demo call. Keep these names stable.
export { initCa, type InitCaOptions, type InitCaResult } from './init.js';
export { issueCertificate, checkDevice, checkAgainstCa, normalizeDevice, DEFAULT_DAYS, type CheckedDevice, type DeviceNames, type IssueOptions, type IssuedCertificate, type IssuedDevice, type DeviceFiles, type LeafOptions } from './issue.js';
export { issueFromCsv, parseDevicesCsv, DEVICE_COLUMNS, type IssueFromCsvOptions, type IssueFromCsvResult, type RefusedDevice, type CsvDevice } from './bulk.js';
export { signCsr, signCsrForDevice, parseCsr, type SignCsrOptions, type SignedCsr, type ParsedCsr } from './csr.js';
export { listIssued, EXPIRY_WARNING_DAYS, type IssuedEntry, type ListIssuedOptions, type ListIssuedResult } from './list.js';
export { openCa, readCaCertificates, readSettings, caKeyIsEncrypted, RESERVED_NAMES, type CaSettings, type CaCertificates, type IssuedRecord, type OpenCa } from './store.js';
export { KEY_TYPES, parseKeyType, type KeyType } from './keys.js';
export { buildPkcs12 } from './pkcs12.js';
export { withCaLock } from './lock.js';
export { buildCsr, buildCsrPem, type CsrSpec } from './pkcs10.js';
