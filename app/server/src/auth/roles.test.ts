import { DEFAULT_ROLE_RULES, groupsFromClaims, rolesFromClaims } from './roles';

describe('roles from claims', () => {
  test("Cognito's groups by default; an admin moderates too", () => {
    expect(rolesFromClaims({ 'cognito:groups': ['admin'] })).toEqual(['admin', 'moderator']);
    expect(rolesFromClaims({ 'cognito:groups': ['moderator', 'staff'] })).toEqual(['moderator']);
    expect(rolesFromClaims({ 'cognito:groups': ['staff'] })).toEqual([]);
    expect(rolesFromClaims({})).toEqual([]);
    // Another claim is not read unless configured.
    expect(rolesFromClaims({ groups: ['admin'] })).toEqual([]);
  });

  test('a configured claim and group names', () => {
    const rules = { claim: 'roles', adminGroups: ['chat-admins', 'owners'], moderatorGroups: ['chat-mods'] };
    expect(rolesFromClaims({ roles: ['owners'] }, rules)).toEqual(['admin', 'moderator']);
    expect(rolesFromClaims({ roles: ['chat-mods'] }, rules)).toEqual(['moderator']);
    expect(rolesFromClaims({ roles: ['admin'] }, rules)).toEqual([]);
  });

  test("claims shaped as providers send them: arrays, strings, Keycloak's nested path, Auth0's URL name", () => {
    expect(groupsFromClaims({ groups: 'admin staff' }, 'groups')).toEqual(['admin', 'staff']);
    expect(groupsFromClaims({ groups: 'admin,staff' }, 'groups')).toEqual(['admin', 'staff']);
    expect(groupsFromClaims({ groups: ['admin', 7, null] }, 'groups')).toEqual(['admin']);
    expect(groupsFromClaims({ realm_access: { roles: ['admin'] } }, 'realm_access.roles')).toEqual(['admin']);
    expect(groupsFromClaims({ 'https://chat.example.com/roles': ['admin'] }, 'https://chat.example.com/roles')).toEqual(['admin']);
    expect(groupsFromClaims({ groups: { admin: true } }, 'groups')).toEqual([]);
    expect(groupsFromClaims({ a: 'x' }, 'a.b')).toEqual([]);
    expect(DEFAULT_ROLE_RULES.claim).toBe('cognito:groups');
  });
});
