import type { Group, GroupRole, Member, MembershipStatus } from '@hearth/shared';

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

/** Someone whose place in the group ended has no name any more; an empty name is never shown. */
export function memberName(member: Member): string {
  return member.pseudonym === '' ? 'A former member' : member.pseudonym;
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

export function roleWord(role: GroupRole): string {
  return roleWords[role];
}

const statusWords: Record<MembershipStatus, string> = {
  active: 'Member',
  pending: 'Waiting for approval',
  waitlisted: 'On the waitlist',
  banned: 'No longer able to join',
};

export function membershipInWords(status: MembershipStatus): string {
  return statusWords[status];
}

/** The zone this browser lives in, such as Europe/London. */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
}

const startThisYear = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
});
const startOtherYear = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
});

/** A session's start in the viewer's own time zone: weekday, date, time and the zone's short name. */
export function formatSessionStart(iso: string): string {
  const date = new Date(iso);
  const format =
    date.getFullYear() === new Date().getFullYear() ? startThisYear : startOtherYear;
  return format.format(date);
}

/** The same moment as the clock shows it in another zone, named. */
export function formatInZone(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return formatDateTime(iso);
  }
}

/** True when the clocks of two zones agree at this moment (so naming the other adds nothing). */
export function sameClock(iso: string, timeZone: string): boolean {
  if (timeZone === viewerTimeZone()) return true;
  try {
    const here = localDateTime(iso, viewerTimeZone());
    const there = localDateTime(iso, timeZone);
    return here.date === there.date && here.time === there.time;
  } catch {
    return false;
  }
}

/** The local date (YYYY-MM-DD) and time (HH:mm) of a moment in a zone, as forms need them. */
export function localDateTime(iso: string, timeZone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    time: `${part('hour')}:${part('minute')}`,
  };
}

export function durationMinutes(startIso: string, endIso: string): number {
  return Math.round((new Date(endIso).getTime() - new Date(startIso).getTime()) / 60_000);
}

/** Today's date in this browser, as a date input wants it. */
export function todayLocal(): string {
  return localDateTime(new Date().toISOString(), viewerTimeZone()).date;
}
