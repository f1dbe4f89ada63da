import { describe, expect, it } from 'vitest';
import {
  card,
  credential,
  denylist,
  email,
  iban,
  ip,
  ipv6Valid,
  luhnValid,
  phone,
  ssn,
  tenantRegex,
  type Detector,
} from './index.ts';

/** The matched substrings, so a test reads as the text a redaction would replace. */
const found = (detector: Detector, text: string): string[] =>
  detector.find(text).map((span) => text.slice(span.start, span.end));

describe('email', () => {
  it.each([
    ['Write to jane.doe@example.com today', 'jane.doe@example.com'],
    ['ops+alerts@mail.eu-west.acme.co.uk.', 'ops+alerts@mail.eu-west.acme.co.uk'],
    ['<A_B-9@sub.example.museum>', 'A_B-9@sub.example.museum'],
  ])('finds %j', (text, match) => {
    expect(found(email, text)).toEqual([match]);
  });

  it.each([
    'pin lodash@4.17.21 in package.json',
    'ask @support on Slack',
    'root@localhost is the admin',
    'jane at example dot com',
    'a..b@example.com',
    'user@example.c',
  ])('ignores %j', (text) => {
    expect(found(email, text)).toEqual([]);
  });

  it('says where an address may still be arriving', () => {
    expect(email.pending?.('mail me at jane.doe@exa')).toBe(11);
    expect(email.pending?.('nothing pending here')).toBeUndefined();
  });
});

describe('phone', () => {
  const us = phone('US');
  it.each([
    ['Call (415) 555-2671 now', '(415) 555-2671'],
    ['Call +44 20 7946 0958 in London', '+44 20 7946 0958'],
    ['tel: 212-555-0187', '212-555-0187'],
    ['+49 30 901820', '+49 30 901820'],
  ])('finds %j', (text, match) => {
    expect(found(us, text)).toEqual([match]);
  });

  it.each([
    'Order 1234567890 shipped',
    'Total: $1,234,567.89',
    'Released on 2024-01-15',
    'ISBN 978-3-16-148410-0',
    'version 10.4.2.1',
  ])('ignores %j', (text) => {
    expect(found(us, text)).toEqual([]);
  });
});

describe('card', () => {
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it.each([
    ['Visa 4111 1111 1111 1111 exp 12/29', '4111 1111 1111 1111'],
    ['card=4111111111111111;', '4111111111111111'],
    ['Amex 3782-822463-10005', '3782-822463-10005'],
    ['mc 5555555555554444 and cvv 123', '5555555555554444'],
    ['4111 1111 1111 1111 123', '4111 1111 1111 1111'],
  ])('finds %j', (text, match) => {
    expect(found(card, text)).toEqual([match]);
  });

  it.each([
    'Order 4111 1111 1111 1112 shipped',
    'tracking 1234 5678 9012 3456',
    'IMEI 490154203237518',
    'pi is 3.14159265358979323846',
    'account 0000 0000 0000 0000',
  ])('ignores %j', (text) => {
    expect(found(card, text)).toEqual([]);
  });
});

describe('iban', () => {
  it.each([
    ['Pay to DE89 3704 0044 0532 0130 00 please', 'DE89 3704 0044 0532 0130 00'],
    ['IBAN: GB82WEST12345698765432.', 'GB82WEST12345698765432'],
    ['NL91ABNA0417164300', 'NL91ABNA0417164300'],
  ])('finds %j', (text, match) => {
    expect(found(iban, text)).toEqual([match]);
  });

  it.each([
    'DE89 3704 0044 0532 0130 01',
    'GB82WEST1234569876543',
    'XX89370400440532013000',
    'ref DE8937040044053201300099',
  ])('ignores %j', (text) => {
    expect(found(iban, text)).toEqual([]);
  });
});

describe('ssn', () => {
  it.each([
    ['SSN 123-45-6780 on file', '123-45-6780'],
    ['her number is 536 22 1234', '536 22 1234'],
    ['SSN: 536221234', '536221234'],
  ])('finds %j', (text, match) => {
    expect(found(ssn, text)).toEqual([match]);
  });

  it.each([
    '000-12-3456',
    '666-12-3456',
    '912-34-5678',
    '123-00-4567',
    '123-45-0000',
    '078-05-1120',
    'call 555-123-4567',
    'part 123-45-678',
    'reference 536221234',
    '123-45 6789',
  ])('ignores %j', (text) => {
    expect(found(ssn, text)).toEqual([]);
  });
});

describe('ip', () => {
  it.each([
    ['from 203.0.113.42 at noon', '203.0.113.42'],
    ['host 10.0.0.1.', '10.0.0.1'],
    ['v6 2001:db8::8a2e:370:7334 ok', '2001:db8::8a2e:370:7334'],
    ['loopback ::1.', '::1'],
    ['mapped ::ffff:192.0.2.128', '::ffff:192.0.2.128'],
    ['full 2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:0db8:0000:0000:0000:ff00:0042:8329'],
  ])('finds %j', (text, match) => {
    expect(found(ip, text)).toEqual([match]);
  });

  it.each([
    'version 1.2.3.4',
    'see section 2.1.4.3',
    'build 1.2.3.4.5',
    '256.1.1.1',
    'at 12:30:45',
    'MAC 00:1A:2B:3C:4D:5E',
    'std::vector',
    'pi 3.14159',
  ])('ignores %j', (text) => {
    expect(found(ip, text)).toEqual([]);
  });

  it('parses IPv6 forms', () => {
    expect(ipv6Valid('1:2:3:4:5:6:7:8')).toBe(true);
    expect(ipv6Valid('1:2:3:4:5:6:7')).toBe(false);
    expect(ipv6Valid('1::2::3')).toBe(false);
    expect(ipv6Valid('::')).toBe(false);
  });
});

describe('credential', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    [
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'],
    ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['ghp_1234567890abcdefghijklmnopqrstuvwxyz', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz'],
    [
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    ],
    [`Bearer ${jwt}`, jwt],
    [
      'sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV0123456789',
      'sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV0123456789',
    ],
    [
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ],
  ])('finds %j', (text, match) => {
    expect(found(credential, text)).toEqual([match]);
  });

  it.each([
    'pk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'AKIA1234',
    'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'eyJhbGciOiJIUzI1NiJ9 alone',
    '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----',
    'the task-proj-alpha is due',
  ])('ignores %j', (text) => {
    expect(found(credential, text)).toEqual([]);
  });

  it('holds a token or key block that may still be arriving', () => {
    expect(credential.pending?.('token: github_pat_11ABC')).toBe(7);
    expect(credential.pending?.('x -----BEGIN PRIVATE KEY-----\nMII')).toBe(2);
    expect(
      credential.pending?.('done -----BEGIN PRIVATE KEY-----\nM\n-----END PRIVATE KEY----- ok'),
    ).toBeUndefined();
  });
});

describe('tenant patterns', () => {
  it('finds bounded patterns and refuses unbounded ones', () => {
    const order = tenantRegex('ORD-\\d{6}', false, 'ORDER');
    expect(found(order, 'see ORD-123456 and ORD-12')).toEqual(['ORD-123456']);
    expect(order.window).toBe(10);
    expect(() => tenantRegex('(a+)+$', false, 'X')).toThrow(/no upper bound/);
  });

  it('matches deny words whole, regardless of case, spaces as any whitespace', () => {
    const words = denylist(['Project Falcon', 'falcon'], 'CODENAME');
    expect(found(words, 'About PROJECT\n falcon and falcons and Falcon.')).toEqual([
      'PROJECT\n falcon',
      'Falcon',
    ]);
  });
});
