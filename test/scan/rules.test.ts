// Chrome's rules as pure functions. Local Network Access can't be observed in the Chromium test
// (the test page on 127.0.0.1 is itself loopback, the most private space), so its rule is
// checked here on address classification; the mixed-content cases are also checked against real
// Chromium in chromium.test.ts.
import { describe, expect, test } from 'vitest';
import { addressSpaceOf, httpsForm, needsLocalNetworkAccess, treat } from '../../src/main/scan/rules.js';

describe('address spaces (Chromium ip_address_space_util)', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['10.1.2.3', 'local'],
    ['172.16.0.1', 'local'],
    ['172.31.255.255', 'local'],
    ['172.32.0.1', 'public'],
    ['192.168.1.50', 'local'],
    ['169.254.1.1', 'local'],
    ['100.64.0.1', 'local'],
    ['fd00::5', 'local'],
    ['fe80::1', 'local'],
    ['::ffff:192.168.1.50', 'local'],
    ['8.8.8.8', 'public'],
    ['203.0.113.7', 'public'],
    ['2001:db8::1', 'public'],
  ])('%s is %s', (ip, space) => expect(addressSpaceOf(ip)).toBe(space));
});

describe('Local Network Access', () => {
  test('public -> local or loopback needs the permission; local -> local and anything -> public do not', () => {
    expect(needsLocalNetworkAccess('public', 'local')).toBe(true);
    expect(needsLocalNetworkAccess('public', 'loopback')).toBe(true);
    expect(needsLocalNetworkAccess('local', 'loopback')).toBe(true);
    expect(needsLocalNetworkAccess('local', 'local')).toBe(false);
    expect(needsLocalNetworkAccess('loopback', 'local')).toBe(false);
    expect(needsLocalNetworkAccess('local', 'public')).toBe(false);
    expect(needsLocalNetworkAccess('public', 'public')).toBe(false);
  });
});

describe('mixed content on an https page', () => {
  const page = 'https://intranet.example.com/';
  test('IP hosts are never upgraded: public IPs blocked, private/loopback load over http', () => {
    expect(treat(page, 'http://203.0.113.7/a.jpg', 'image', false).kind).toBe('blocked-mixed');
    expect(treat(page, 'http://192.168.1.50/a.jpg', 'image', false).kind).toBe('http-local');
    expect(treat(page, 'http://127.0.0.1:8080/a.jpg', 'image', false).kind).toBe('http-local');
    expect(treat(page, 'http://cam.local/a.jpg', 'image', false).kind).toBe('http-local');
  });
  test('names: images/media upgraded (80 -> 443, other ports kept); frames and objects blocked', () => {
    expect(treat(page, 'http://cam.example.com/a.jpg', 'image', false)).toEqual({ kind: 'upgraded', request: 'https://cam.example.com/a.jpg', why: 'autoupgrade' });
    expect(treat(page, 'http://cam.example.com:8080/v.mp4', 'media', false)).toMatchObject({ kind: 'upgraded', request: 'https://cam.example.com:8080/v.mp4' });
    expect(treat(page, 'http://cam.example.com/', 'frame', false).kind).toBe('blocked-mixed');
    expect(treat(page, 'http://cam.example.com/', 'object', false).kind).toBe('blocked-mixed');
  });
  test('upgrade-insecure-requests upgrades everything; http pages load everything as written', () => {
    expect(treat(page, 'http://192.168.1.50/', 'frame', true)).toMatchObject({ kind: 'upgraded', request: 'https://192.168.1.50/' });
    expect(treat('http://intranet/', 'http://203.0.113.7/a.jpg', 'image', false).kind).toBe('as-is');
    expect(treat(page, 'ftp://x/a.jpg', 'image', false).kind).toBe('unsupported');
  });
  test('httpsForm', () => {
    expect(httpsForm('http://cam:80/x')).toBe('https://cam/x');
    expect(httpsForm('http://cam:81/x')).toBe('https://cam:81/x');
  });
});
