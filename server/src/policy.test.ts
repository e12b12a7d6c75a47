import { describe, expect, it } from 'vitest';
import { can, policy, rolesOf, type Action, type Role } from './policy.ts';

/** The permissions PRODUCT.md gives each role, written out by hand to check the table against. */
const expected: Record<Action, Record<Role, boolean>> = {
  'group.create': { organiser: true, lead_facilitator: false, facilitator: false, participant: false },
  'group.view': { organiser: true, lead_facilitator: true, facilitator: true, participant: true },
  'session.create': { organiser: true, lead_facilitator: true, facilitator: true, participant: false },
  'session.list': { organiser: true, lead_facilitator: true, facilitator: true, participant: true },
  'invite.create': { organiser: true, lead_facilitator: true, facilitator: true, participant: false },
  'room.enter': { organiser: false, lead_facilitator: true, facilitator: true, participant: true },
  'message.send': { organiser: false, lead_facilitator: true, facilitator: true, participant: true },
};

describe('policy', () => {
  it('has exactly the actions the expectations cover', () => {
    expect(Object.keys(policy).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [action, byRole] of Object.entries(expected)) {
    for (const [role, allowed] of Object.entries(byRole)) {
      it(`${allowed ? 'allows' : 'refuses'} ${action} to ${role}`, () => {
        expect(can([role as Role], action as Action)).toBe(allowed);
      });
    }
  }

  it('keeps organisers out of rooms they do not facilitate', () => {
    expect(can(rolesOf({ isOrganiser: true }, null), 'room.enter')).toBe(false);
    expect(can(rolesOf({ isOrganiser: true }, 'facilitator'), 'room.enter')).toBe(true);
  });

  it('lets nobody without a role do anything', () => {
    for (const action of Object.keys(policy) as Action[]) {
      expect(can(rolesOf({ isOrganiser: false }, null), action)).toBe(false);
    }
  });
});
