import { useId, useState, type SubmitEvent } from 'react';
import { limits, type Group, type Me } from '@hearth/shared';
import { SessionCard } from '../components/sessionCard.tsx';
import { Field, FormSection, PseudonymField, TextAreaField } from '../components/forms.tsx';
import { LoadError, Loading, Page, PageHeading } from '../components/layout.tsx';
import { api } from '../lib/api.ts';
import { membershipInWords, roleInWords } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { useAsync } from '../lib/useAsync.ts';
import { useSubmit } from '../lib/useSubmit.ts';

export function HomePage({ me }: { me: Me }) {
  const groups = useAsync(`groups:${me.id}`, () => api.groups());
  const groupsHeadingId = useId();

  let list;
  if (groups.state.status === 'loading') {
    list = <Loading label="Loading your groups…" />;
  } else if (groups.state.status === 'error') {
    list = <LoadError error={groups.state.error} onRetry={groups.reload} />;
  } else if (groups.state.data.groups.length === 0) {
    list = (
      <p className="empty">
        {me.isOrganiser
          ? 'There are no groups yet. You can create the first one below.'
          : 'You are not in a group yet. When a facilitator sends you an invite link, ' +
            'open it to join.'}
      </p>
    );
  } else {
    list = (
      <ul className="card-list">
        {groups.state.data.groups.map((group) => (
          <GroupItem key={group.id} group={group} me={me} />
        ))}
      </ul>
    );
  }

  function addGroup(group: Group) {
    groups.update((data) => ({ groups: [...data.groups.filter((g) => g.id !== group.id), group] }));
  }

  return (
    <Page title="Groups">
      <PageHeading>Welcome to Hearth</PageHeading>
      <UpcomingSessions me={me} />
      <section className="section" aria-labelledby={groupsHeadingId}>
        <h2 id={groupsHeadingId}>Your groups</h2>
        {list}
      </section>
      {me.isOrganiser && <CreateGroupForm onCreated={addGroup} />}
      <p className="aside">
        To change your password or email, or to log out on every device, go to your{' '}
        <Link to="/account">account settings</Link>.
      </p>
    </Page>
  );
}

function UpcomingSessions({ me }: { me: Me }) {
  const headingId = useId();
  const idPrefix = useId();
  const upcoming = useAsync(`upcoming:${me.id}`, () => api.upcomingSessions());

  let body;
  if (upcoming.state.status === 'loading') {
    body = <Loading label="Loading your sessions…" />;
  } else if (upcoming.state.status === 'error') {
    body = <LoadError error={upcoming.state.error} onRetry={upcoming.reload} />;
  } else if (upcoming.state.data.sessions.length === 0) {
    body = <p className="empty">No sessions are planned in your groups right now.</p>;
  } else {
    body = (
      <ul className="card-list">
        {upcoming.state.data.sessions.map((session) => {
          const titleId = `${idPrefix}-${session.id}`;
          return (
            <SessionCard
              key={session.id}
              session={session}
              titleId={titleId}
              context={session.groupName}
            >
              <p className="actions">
                <Link
                  to={`/groups/${session.groupId}`}
                  className={
                    session.status === 'open' ? 'button-link' : 'button-link button-secondary'
                  }
                  aria-describedby={titleId}
                >
                  {session.status === 'open' ? 'Go to the open session' : 'See the group'}
                </Link>
              </p>
            </SessionCard>
          );
        })}
      </ul>
    );
  }

  return (
    <section className="section section-first" aria-labelledby={headingId}>
      <h2 id={headingId}>Upcoming sessions</h2>
      <p className="hint">Times are shown in your own time zone.</p>
      {body}
    </section>
  );
}

function GroupItem({ group, me }: { group: Group; me: Me }) {
  return (
    <li className="card">
      <h3 className="card-title">
        <Link to={`/groups/${group.id}`}>{group.name}</Link>
      </h3>
      {group.description && <p className="prose">{group.description}</p>}
      <dl className="facts">
        <div>
          <dt>Your role</dt>
          <dd>{roleInWords(group, me.isOrganiser)}</dd>
        </div>
        {group.myPseudonym && (
          <div>
            <dt>Your name here</dt>
            <dd>{group.myPseudonym}</dd>
          </div>
        )}
        {group.myStatus && group.myStatus !== 'active' && (
          <div>
            <dt>Status</dt>
            <dd>{membershipInWords(group.myStatus)}</dd>
          </div>
        )}
      </dl>
    </li>
  );
}

function CreateGroupForm({ onCreated }: { onCreated: (group: Group) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pseudonym, setPseudonym] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    void run(async () => {
      const group = await api.createGroup({
        name: name.trim(),
        description: description.trim(),
        pseudonym: pseudonym.trim(),
      });
      onCreated(group);
      setName('');
      setDescription('');
      setPseudonym('');
      setDone(`“${group.name}” is ready. You lead it as ${group.myPseudonym ?? pseudonym.trim()}.`);
    });
  }

  return (
    <FormSection
      title="Create a group"
      submitLabel="Create group"
      onSubmit={submit}
      pending={pending}
      error={error}
      done={done}
    >
      <Field
        label="Group name"
        name="name"
        required
        maxLength={limits.groupNameMax}
        value={name}
        onChange={(event) => {
          setName(event.target.value);
        }}
      />
      <TextAreaField
        label="Description"
        name="description"
        rows={4}
        maxLength={limits.groupDescriptionMax}
        hint="Optional. People see this when they are invited, before they join."
        value={description}
        onChange={(event) => {
          setDescription(event.target.value);
        }}
      />
      <PseudonymField
        value={pseudonym}
        onValueChange={setPseudonym}
        note="You will be the group’s lead facilitator."
      />
    </FormSection>
  );
}
