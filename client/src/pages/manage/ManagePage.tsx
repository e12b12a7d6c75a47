import { useState } from 'react';
import type { Agreement, GroupDetail, Me } from '@hearth/shared';
import { LoadError, Loading, Page, PageHeading } from '../../components/layout.tsx';
import { api } from '../../lib/api.ts';
import { isFacilitatorRole } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { useAsync } from '../../lib/useAsync.ts';
import { AgreementPanel } from './AgreementPanel.tsx';
import { AuditPanel } from './AuditPanel.tsx';
import { InvitesPanel } from './InvitesPanel.tsx';
import { PeoplePanel } from './PeoplePanel.tsx';
import { SchedulePanel } from './SchedulePanel.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';
import { Tabs, type TabItem } from './Tabs.tsx';

type TabKey = 'settings' | 'agreement' | 'schedule' | 'people' | 'invites' | 'audit';

const organiserTabs: TabItem<TabKey>[] = [
  { key: 'settings', label: 'Settings' },
  { key: 'agreement', label: 'Agreement' },
  { key: 'schedule', label: 'Schedule' },
  { key: 'people', label: 'People' },
  { key: 'invites', label: 'Invites' },
  { key: 'audit', label: 'Audit log' },
];

/** Facilitators run sessions and welcome people; the group's rules are the organisers' to set. */
const facilitatorTabs: TabItem<TabKey>[] = [
  { key: 'schedule', label: 'Schedule' },
  { key: 'people', label: 'People' },
  { key: 'invites', label: 'Invites' },
  { key: 'agreement', label: 'Agreement' },
];

export function ManagePage({ groupId, me }: { groupId: string; me: Me }) {
  const data = useAsync(`manage:${groupId}:${me.id}`, () => api.group(groupId));
  const [tab, setTab] = useState<TabKey | null>(null);

  if (data.state.status === 'loading') {
    return (
      <Page title="Manage group">
        <Loading />
      </Page>
    );
  }
  if (data.state.status === 'error') {
    return (
      <Page title="Manage group">
        <LoadError error={data.state.error} onRetry={data.reload} />
      </Page>
    );
  }

  const group = data.state.data;
  const isOrganiser = me.isOrganiser;
  const isFacilitator = group.myStatus === 'active' && isFacilitatorRole(group.myRole);
  const groupLink = `/groups/${group.id}`;

  const breadcrumb = (
    <p className="breadcrumb">
      <Link to="/">Your groups</Link> <span aria-hidden="true">›</span>{' '}
      <Link to={groupLink}>{group.name}</Link>
    </p>
  );

  if (!isOrganiser && !isFacilitator) {
    return (
      <Page title="Manage group">
        {breadcrumb}
        <PageHeading>Managing this group</PageHeading>
        <p className="notice">
          This part of Hearth is for the group’s organisers and facilitators.{' '}
          <Link to={groupLink}>Back to the group</Link>
        </p>
      </Page>
    );
  }

  const tabs = isOrganiser ? organiserTabs : facilitatorTabs;
  const selected = tab ?? tabs[0]?.key ?? 'schedule';

  function replaceGroup(next: GroupDetail) {
    data.update(() => next);
  }

  function setParticipantCount(participantCount: number) {
    if (participantCount !== group.participantCount) {
      data.update((current) => ({ ...current, participantCount }));
    }
  }

  function setAgreement(agreement: Agreement) {
    data.update((current) => ({ ...current, agreement }));
  }

  let panel;
  switch (selected) {
    case 'settings':
      panel = <SettingsPanel group={group} onSaved={replaceGroup} />;
      break;
    case 'agreement':
      panel = (
        <AgreementPanel
          groupId={group.id}
          agreement={group.agreement}
          canPublish={isOrganiser}
          onPublished={setAgreement}
        />
      );
      break;
    case 'schedule':
      panel = <SchedulePanel groupId={group.id} groupLink={groupLink} />;
      break;
    case 'people':
      panel = (
        <PeoplePanel
          groupId={group.id}
          isOrganiser={isOrganiser}
          capacity={group.capacity}
          onParticipantCount={setParticipantCount}
        />
      );
      break;
    case 'invites':
      panel = <InvitesPanel groupId={group.id} isOrganiser={isOrganiser} />;
      break;
    case 'audit':
      panel = <AuditPanel groupId={group.id} />;
      break;
  }

  return (
    <Page title="Manage group">
      {breadcrumb}
      <PageHeading>Managing {group.name}</PageHeading>
      <p className="meta">
        {isOrganiser
          ? 'As an organiser you can change everything about this group.'
          : 'As a facilitator you can schedule sessions, welcome people and send invites.'}{' '}
        {group.participantCount === 1
          ? 'There is 1 participant'
          : `There are ${String(group.participantCount)} participants`}{' '}
        of {group.capacity} places.
      </p>
      <Tabs label="Manage group" tabs={tabs} selected={selected} onSelect={setTab}>
        {panel}
      </Tabs>
    </Page>
  );
}
