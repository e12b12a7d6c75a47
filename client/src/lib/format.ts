import type { Group, GroupRole, Member } from '@hearth/shared';

const roleWords: Record<GroupRole, string> = {
  lead_facilitator: 'Lead facilitator',
  facilitator: 'Facilitator',
  participant: 'Participant',
};

export function roleInWords(group: Group, isOrganiser: boolean): string {
  if (group.myRole) return roleWords[group.myRole];
  return isOrganiser ? 'Organiser' : 'Member';
}

export function isFacilitatorRole(role: GroupRole | null): boolean {
  return role === 'lead_facilitator' || role === 'facilitator';
}

export function isFacilitator(member: Member): boolean {
  return isFacilitatorRole(member.role);
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const longDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatLongDateTime(iso: string): string {
  return longDateTime.format(new Date(iso));
}

export function formatTime(iso: string): string {
  return timeOnly.format(new Date(iso));
}

/** The end of a session is usually the same day as its start, so the date is not repeated. */
export function formatEnd(startIso: string, endIso: string): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  return start.toDateString() === end.toDateString() ? timeOnly.format(end) : dateTime.format(end);
}
