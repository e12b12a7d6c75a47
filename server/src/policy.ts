import type { GroupRole, MembershipStatus } from '@hearth/shared';

/**
 * Who may do what, in one table. A route or socket handler names the action; the gatekeepers
 * in each domain find the actor's role and ask here. Room state (open, closed, ...) and
 * membership status (active, pending, waitlisted) are applied by the services on top of this.
 */
export type Role = 'organiser' | GroupRole | 'applicant';

const facilitators = ['lead_facilitator', 'facilitator'] as const;
const everyone = ['organiser', ...facilitators, 'participant'] as const;
/** Someone waiting for approval or for a place may read about the group and leave it. */
const everyoneAndApplicants = [...everyone, 'applicant'] as const;

export const policy = {
  'group.create': ['organiser'],
  'group.view': everyoneAndApplicants,
  'group.update': ['organiser'],
  'group.leave': [...facilitators, 'participant', 'applicant'],
  'agreement.publish': ['organiser'],
  'agreement.accept': [...facilitators, 'participant', 'applicant'],
  'agreement.acceptances': ['organiser', ...facilitators],
  'member.list': ['organiser', ...facilitators],
  'member.approve': ['organiser', ...facilitators],
  'member.changeRole': ['organiser'],
  'member.remove': ['organiser'],
  'facilitator.assign': ['organiser'],
  'invite.create': ['organiser', ...facilitators],
  'invite.createForFacilitator': ['organiser'],
  'invite.list': ['organiser', ...facilitators],
  'invite.revoke': ['organiser', ...facilitators],
  'session.create': ['organiser', ...facilitators],
  'session.list': everyone,
  'session.update': ['organiser', ...facilitators],
  /** Open a room ahead of its start, or end it. */
  'session.run': ['organiser', ...facilitators],
  // Organisers do not read room content unless they also facilitate the group.
  'room.enter': [...facilitators, 'participant'],
  'message.send': [...facilitators, 'participant'],
  'room.admit': facilitators,
  /** Add or change a content warning on anyone's message. */
  'message.warn': facilitators,
  /** Announcements, grounding pause, slow mode, lock, check-in rounds. */
  'room.control': facilitators,
  /** Mute, remove from the session, ban from the group. */
  'person.moderate': facilitators,
  /** Hide or delete anyone's message, or all of one person's. */
  'message.moderate': facilitators,
  /** The console: support requests, alerts, reports, check-in answers, side conversations. */
  'room.console': facilitators,
  'checkin.answer': ['participant'],
  'checkout.submit': ['participant'],
  'checkout.view': ['organiser', ...facilitators],
  'audit.view': ['organiser'],
  'ban.list': ['organiser'],
  'ban.lift': ['organiser'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof policy;

export function can(roles: Iterable<Role>, action: Action): boolean {
  const allowed: readonly Role[] = policy[action];
  for (const role of roles) if (allowed.includes(role)) return true;
  return false;
}

/**
 * The roles an actor holds for one group: the deployment-wide one and the group's own. A
 * membership that is pending or waitlisted holds the applicant's role, whatever its role will be.
 */
export function rolesOf(
  actor: { isOrganiser: boolean },
  membership: { role: GroupRole; status: MembershipStatus } | null,
): Role[] {
  const roles: Role[] = [];
  if (actor.isOrganiser) roles.push('organiser');
  // A banned member holds no role at all: the group is closed to them.
  if (membership && membership.status !== 'banned') {
    roles.push(membership.status === 'active' ? membership.role : 'applicant');
  }
  return roles;
}

export const isFacilitatorRole = (role: GroupRole | null | undefined) =>
  role === 'lead_facilitator' || role === 'facilitator';
