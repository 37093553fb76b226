// web.config for IIS, the usual intranet server on Windows networks: IIS answers 404 for file types
// it doesn't know (.mobileconfig, .pem), and iPhones install a profile only when it arrives as
// application/x-apple-aspen-config. Other servers ignore the file (and it holds nothing secret).
const WEB_CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by lantrust site: the file types devices expect for the certificate files. -->
<configuration>
  <system.webServer>
    <staticContent>
      <remove fileExtension=".mobileconfig" />
      <mimeMap fileExtension=".mobileconfig" mimeType="application/x-apple-aspen-config" />
      <remove fileExtension=".cer" />
      <mimeMap fileExtension=".cer" mimeType="application/x-x509-ca-cert" />
      <remove fileExtension=".pem" />
      <mimeMap fileExtension=".pem" mimeType="application/x-pem-file" />
    </staticContent>
    <httpProtocol>
      <customHeaders>
        <remove name="X-Content-Type-Options" />
        <add name="X-Content-Type-Options" value="nosniff" />
      </customHeaders>
    </httpProtocol>
  </system.webServer>
</configuration>
`;

export function serverHints(): { name: string; data: Buffer; purpose: string }[] {
  return [{ name: 'web.config', data: Buffer.from(WEB_CONFIG.replace(/\n/g, '\r\n')), purpose: 'IIS: the file types to serve (other servers ignore it)' }];
}
