import { describe, expect, it } from 'vitest';
import { can, policy, rolesOf, type Role } from './policy.ts';

const everyRole: Role[] = ['organiser', 'lead_facilitator', 'facilitator', 'participant'];

describe('policy', () => {
  it('answers for every action and role exactly as the table says', () => {
    for (const [action, allowed] of Object.entries(policy)) {
      for (const role of everyRole) {
        expect(can([role], action as keyof typeof policy), `${role} ${action}`).toBe(
          (allowed as readonly Role[]).includes(role),
        );
      }
    }
  });

  it('keeps organisers out of rooms they do not facilitate', () => {
    expect(can(rolesOf({ isOrganiser: true }, null), 'room.enter')).toBe(false);
    expect(can(rolesOf({ isOrganiser: true }, 'facilitator'), 'room.enter')).toBe(true);
  });

  it('lets nobody without a role do anything', () => {
    for (const action of Object.keys(policy)) {
      expect(can(rolesOf({ isOrganiser: false }, null), action as keyof typeof policy)).toBe(false);
    }
  });
});
