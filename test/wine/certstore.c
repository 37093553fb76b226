/*
 * Test tooling, not product code: a Windows CryptoAPI oracle that runs under Wine.
 * Compiled at test time with x86_64-w64-mingw32-gcc (see test/wine/wine.ts).
 *
 *   certstore list   PROVIDER FLAGS STORE         one line per certificate:
 *                                                 <SHA-1 as CryptoAPI computes it> <friendly name or -> <DER hex>
 *   certstore add    PROVIDER FLAGS STORE FILE    adds the DER certificate in FILE
 *   certstore delete PROVIDER FLAGS STORE SHA1    deletes the certificate with that SHA-1
 *   certstore regkey KEY                          exit 0 when the registry key exists (HKLM\... or HKCU\...)
 *   certstore regblob KEY FILE                    writes FILE's bytes as the REG_BINARY value Blob of KEY
 *   certstore batch FILE                          runs one command per line of FILE (one Wine start for
 *                                                 many steps); prints "== <line>", its output, "rc=<n>"
 *
 * PROVIDER: "system" (CERT_STORE_PROV_SYSTEM_W, the logical store every program sees) or
 * "registry" (CERT_STORE_PROV_SYSTEM_REGISTRY_W, one physical location only).
 * FLAGS: a number (dwFlags, e.g. 0x20000 = CERT_SYSTEM_STORE_LOCAL_MACHINE) so the values the
 * PowerShell core uses can be passed straight through.
 * Exit 0 on success, 2 on usage errors, 3 when the store can't be opened, 4 on other failures.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HCERTSTORE open_store(const char *provider, const char *flags, const char *name, BOOL readOnly) {
    LPCSTR prov = strcmp(provider, "registry") == 0 ? CERT_STORE_PROV_SYSTEM_REGISTRY_W : CERT_STORE_PROV_SYSTEM_W;
    DWORD f = (DWORD)strtoul(flags, NULL, 0);
    WCHAR wname[256];
    MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 256);
    if (readOnly) f |= CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG;
    return CertOpenStore(prov, 0, 0, f, wname);
}

static void hex(const BYTE *p, DWORD n) {
    for (DWORD i = 0; i < n; i++) printf("%02X", p[i]);
}

static HKEY split_key(const char *path, const char **sub) {
    if (strncmp(path, "HKLM\\", 5) == 0) { *sub = path + 5; return HKEY_LOCAL_MACHINE; }
    if (strncmp(path, "HKCU\\", 5) == 0) { *sub = path + 5; return HKEY_CURRENT_USER; }
    return NULL;
}

static int run(int argc, char **argv);

static int batch(const char *file) {
    FILE *f = fopen(file, "r");
    if (!f) return 2;
    char line[4096];
    int worst = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) continue;
        printf("== %s\n", line);
        char *args[16];
        int n = 0;
        args[n++] = "certstore";
        for (char *t = strtok(line, " "); t && n < 15; t = strtok(NULL, " ")) args[n++] = t;
        args[n] = NULL;
        int rc = run(n, args);
        printf("rc=%d\n", rc);
        fflush(stdout);
        if (rc > worst) worst = rc;
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    return run(argc, argv);
}

static int run(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "batch") == 0) return batch(argv[2]);
    if (argc >= 3 && strcmp(argv[1], "regkey") == 0) {
        const char *sub;
        HKEY hive = split_key(argv[2], &sub);
        HKEY k;
        if (!hive) return 2;
        if (RegOpenKeyExA(hive, sub, 0, KEY_READ, &k) != ERROR_SUCCESS) return 4;
        RegCloseKey(k);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "regblob") == 0) {
        const char *sub;
        HKEY hive = split_key(argv[2], &sub);
        HKEY k;
        static BYTE data[65536];
        FILE *f = fopen(argv[3], "rb");
        if (!hive || !f) return 2;
        size_t len = fread(data, 1, sizeof(data), f);
        fclose(f);
        if (RegCreateKeyExA(hive, sub, 0, NULL, 0, KEY_WRITE, NULL, &k, NULL) != ERROR_SUCCESS) return 4;
        LONG r = RegSetValueExA(k, "Blob", 0, REG_BINARY, data, (DWORD)len);
        RegCloseKey(k);
        return r == ERROR_SUCCESS ? 0 : 4;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: certstore list|add|delete system|registry FLAGS STORE [FILE|SHA1]\n");
        return 2;
    }
    const char *verb = argv[1];
    HCERTSTORE store = open_store(argv[2], argv[3], argv[4], strcmp(verb, "list") == 0);
    if (!store) {
        printf("cannot open store: error 0x%08lX\n", (unsigned long)GetLastError());
        return 3;
    }
    int rc = 0;
    if (strcmp(verb, "list") == 0) {
        PCCERT_CONTEXT c = NULL;
        while ((c = CertEnumCertificatesInStore(store, c)) != NULL) {
            BYTE sha1[20];
            DWORD n = sizeof(sha1);
            WCHAR fname[512];
            DWORD fn = sizeof(fname);
            CertGetCertificateContextProperty(c, CERT_SHA1_HASH_PROP_ID, sha1, &n);
            hex(sha1, n);
            if (CertGetCertificateContextProperty(c, CERT_FRIENDLY_NAME_PROP_ID, fname, &fn)) {
                char utf8[1024];
                WideCharToMultiByte(CP_UTF8, 0, fname, -1, utf8, sizeof(utf8), NULL, NULL);
                for (char *p = utf8; *p; p++) if (*p == ' ') *p = '_';
                printf(" %s ", utf8);
            } else {
                printf(" - ");
            }
            hex(c->pbCertEncoded, c->cbCertEncoded);
            printf("\n");
        }
    } else if (strcmp(verb, "add") == 0 && argc >= 6) {
        FILE *f = fopen(argv[5], "rb");
        if (!f) return 2;
        static BYTE der[65536];
        size_t len = fread(der, 1, sizeof(der), f);
        fclose(f);
        if (!CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der, (DWORD)len, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
            printf("add failed: error 0x%08lX\n", (unsigned long)GetLastError());
            rc = 4;
        }
    } else if (strcmp(verb, "delete") == 0 && argc >= 6) {
        CRYPT_HASH_BLOB h;
        BYTE sha1[20];
        for (int i = 0; i < 20; i++) sscanf(argv[5] + 2 * i, "%2hhx", &sha1[i]);
        h.cbData = 20;
        h.pbData = sha1;
        PCCERT_CONTEXT c = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &h, NULL);
        if (!c) {
            printf("not found\n");
            rc = 4;
        } else if (!CertDeleteCertificateFromStore(c)) {
            printf("delete failed: error 0x%08lX\n", (unsigned long)GetLastError());
            rc = 4;
        }
    } else {
        fprintf(stderr, "usage: certstore list|add|delete system|registry FLAGS STORE [FILE|SHA1]\n");
        rc = 2;
    }
    CertCloseStore(store, 0);
    return rc;
}
