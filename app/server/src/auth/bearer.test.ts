import { bearerToken } from './bearer';

test('the token of an Authorization: Bearer header, and nothing else', () => {
  expect(bearerToken('Bearer abc.def-_.ghi')).toBe('abc.def-_.ghi');
  expect(bearerToken('bearer abc')).toBe('abc');
  expect(bearerToken('Bearer abc=')).toBe('abc=');
  expect(bearerToken(undefined)).toBeUndefined();
  expect(bearerToken('')).toBeUndefined();
  expect(bearerToken('Basic dXNlcjpwdw==')).toBeUndefined();
  expect(bearerToken('Bearer')).toBeUndefined();
  expect(bearerToken('Bearer a b')).toBeUndefined();
  expect(bearerToken('Bearer a\u00e9')).toBeUndefined();
});
