import { describe, expect, it } from 'vitest';
import { can, policy, rolesOf, type Action, type Role } from './policy.ts';

type Row = [organiser: boolean, lead: boolean, facilitator: boolean, participant: boolean, applicant: boolean];

/** The permissions PRODUCT.md gives each role, written out by hand to check the table against. */
const expected: Record<Action, Row> = {
  'group.create': [true, false, false, false, false],
  'group.view': [true, true, true, true, true],
  'group.update': [true, false, false, false, false],
  'group.leave': [false, true, true, true, true],
  'agreement.publish': [true, false, false, false, false],
  'agreement.accept': [false, true, true, true, true],
  'agreement.acceptances': [true, true, true, false, false],
  'member.list': [true, true, true, false, false],
  'member.approve': [true, true, true, false, false],
  'member.changeRole': [true, false, false, false, false],
  'member.remove': [true, false, false, false, false],
  'facilitator.assign': [true, false, false, false, false],
  'invite.create': [true, true, true, false, false],
  'invite.createForFacilitator': [true, false, false, false, false],
  'invite.list': [true, true, true, false, false],
  'invite.revoke': [true, true, true, false, false],
  'session.create': [true, true, true, false, false],
  'session.list': [true, true, true, true, false],
  'session.update': [true, true, true, false, false],
  'session.run': [true, true, true, false, false],
  'room.enter': [false, true, true, true, false],
  'message.send': [false, true, true, true, false],
  'room.admit': [false, true, true, false, false],
  'message.warn': [false, true, true, false, false],
  'room.control': [false, true, true, false, false],
  'person.moderate': [false, true, true, false, false],
  'message.moderate': [false, true, true, false, false],
  'room.console': [false, true, true, false, false],
  'checkin.answer': [false, false, false, true, false],
  'checkout.submit': [false, false, false, true, false],
  'checkout.view': [true, true, true, false, false],
  'audit.view': [true, false, false, false, false],
  'ban.list': [true, false, false, false, false],
  'ban.lift': [true, false, false, false, false],
};
const roles: Role[] = ['organiser', 'lead_facilitator', 'facilitator', 'participant', 'applicant'];

describe('policy', () => {
  it('has exactly the actions the expectations cover', () => {
    expect(Object.keys(policy).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [action, row] of Object.entries(expected)) {
    roles.forEach((role, index) => {
      it(`${row[index] ? 'allows' : 'refuses'} ${action} to ${role}`, () => {
        expect(can([role], action as Action)).toBe(row[index]);
      });
    });
  }

  it('keeps organisers out of rooms they do not facilitate', () => {
    expect(can(rolesOf({ isOrganiser: true }, null), 'room.enter')).toBe(false);
    expect(can(rolesOf({ isOrganiser: true }, { role: 'facilitator', status: 'active' }), 'room.enter')).toBe(true);
    expect(rolesOf({ isOrganiser: false }, { role: 'participant', status: 'waitlisted' })).toEqual(['applicant']);
  });

  it('lets nobody without a role do anything', () => {
    for (const action of Object.keys(policy) as Action[]) {
      expect(can(rolesOf({ isOrganiser: false }, null), action)).toBe(false);
    }
  });
});
