import type { GroupRole } from '@hearth/shared';

/**
 * Who may do what, in one table. A route or socket handler names the action; the gatekeepers
 * in each domain find the actor's role and ask here. Room state (open, closed, ...) is applied
 * by the services on top of this.
 */
export type Role = 'organiser' | GroupRole;

export const policy = {
  'group.create': ['organiser'],
  'group.view': ['organiser', 'lead_facilitator', 'facilitator', 'participant'],
  'session.create': ['organiser', 'lead_facilitator', 'facilitator'],
  'session.list': ['organiser', 'lead_facilitator', 'facilitator', 'participant'],
  'invite.create': ['organiser', 'lead_facilitator', 'facilitator'],
  // Organisers do not read room content unless they also facilitate the group.
  'room.enter': ['lead_facilitator', 'facilitator', 'participant'],
  'message.send': ['lead_facilitator', 'facilitator', 'participant'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof policy;

export function can(roles: Iterable<Role>, action: Action): boolean {
  const allowed: readonly Role[] = policy[action];
  for (const role of roles) if (allowed.includes(role)) return true;
  return false;
}

/** The roles an actor holds for one group: the deployment-wide one and the group's own. */
export function rolesOf(actor: { isOrganiser: boolean }, groupRole: GroupRole | null): Role[] {
  const roles: Role[] = [];
  if (actor.isOrganiser) roles.push('organiser');
  if (groupRole) roles.push(groupRole);
  return roles;
}
