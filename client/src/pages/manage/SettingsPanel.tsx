import { useId, useRef, useState, type SubmitEvent } from 'react';
import {
  limits,
  type CrisisResource,
  type CwCategory,
  type GroupDetail,
  type GroupSettings,
} from '@hearth/shared';
import {
  CheckboxField,
  Field,
  FormSection,
  TextAreaField,
} from '../../components/forms.tsx';
import { api } from '../../lib/api.ts';
import { newClientId } from '../../lib/ids.ts';
import { useSubmit } from '../../lib/useSubmit.ts';

const categoriesMax = 30;

interface CategoryRow {
  rowId: string;
  /** Kept for existing categories; a new one takes its key from its name when saved. */
  key: string | null;
  label: string;
  requiresWarning: boolean;
}

interface ResourceRow {
  rowId: string;
  name: string;
  phone: string;
  text: string;
  link: string;
  hours: string;
}

/** A category key from its name: lower-case letters and digits joined by dashes. */
export function keyFromLabel(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

function categoryRows(categories: readonly CwCategory[]): CategoryRow[] {
  return categories.map((c) => ({ rowId: newClientId(), ...c }));
}

function resourceRows(resources: readonly CrisisResource[]): ResourceRow[] {
  return resources.map((r) => ({
    rowId: newClientId(),
    name: r.name,
    phone: r.phone ?? '',
    text: r.text ?? '',
    link: r.link ?? '',
    hours: r.hours ?? '',
  }));
}

const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());

function focusLater(id: string) {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

export function SettingsPanel({
  group,
  onSaved,
}: {
  group: GroupDetail;
  onSaved: (group: GroupDetail) => void;
}) {
  const idPrefix = useId();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description);
  const [capacity, setCapacity] = useState(String(group.capacity));
  const [waitingRoom, setWaitingRoom] = useState(group.waitingRoom);
  const [approvalRequired, setApprovalRequired] = useState(group.approvalRequired);
  const [retentionHours, setRetentionHours] = useState(String(group.retentionHours));
  const [categories, setCategories] = useState(() => categoryRows(group.contentWarnings));
  const [resources, setResources] = useState(() => resourceRows(group.crisisResources));
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { pending, error, run } = useSubmit();
  const addCategoryButton = useRef<HTMLButtonElement>(null);
  const addResourceButton = useRef<HTMLButtonElement>(null);

  function buildSettings(): GroupSettings | string {
    const contentWarnings: CwCategory[] = [];
    for (const row of categories) {
      const key = row.key ?? keyFromLabel(row.label);
      if (key === '') {
        return `Give the category “${row.label.trim()}” a name with at least one letter or digit.`;
      }
      if (contentWarnings.some((c) => c.key === key)) {
        return `Two content-warning categories have the same name (“${row.label.trim()}”). Please make each one different.`;
      }
      contentWarnings.push({ key, label: row.label.trim(), requiresWarning: row.requiresWarning });
    }
    const crisisResources: CrisisResource[] = [];
    for (const row of resources) {
      const resource = {
        name: row.name.trim(),
        phone: optional(row.phone),
        text: optional(row.text),
        link: optional(row.link),
        hours: optional(row.hours),
      };
      if (!resource.phone && !resource.text && !resource.link) {
        return `For “${resource.name}”, give a phone number, a text line or a link.`;
      }
      crisisResources.push(resource);
    }
    return {
      name: name.trim(),
      description: description.trim(),
      capacity: Number(capacity),
      waitingRoom,
      approvalRequired,
      retentionHours: Number(retentionHours),
      contentWarnings,
      crisisResources,
    };
  }

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    const settings = buildSettings();
    if (typeof settings === 'string') {
      setProblem(settings);
      return;
    }
    setProblem(null);
    void run(async () => {
      const saved = await api.updateGroup(group.id, settings);
      onSaved(saved);
      // What the server kept is what the form shows from now on, keys included.
      setCategories(categoryRows(saved.contentWarnings));
      setResources(resourceRows(saved.crisisResources));
      setDone('The settings are saved.');
    });
  }

  function updateCategory(rowId: string, change: Partial<CategoryRow>) {
    setCategories((rows) => rows.map((row) => (row.rowId === rowId ? { ...row, ...change } : row)));
  }

  function updateResource(rowId: string, change: Partial<ResourceRow>) {
    setResources((rows) => rows.map((row) => (row.rowId === rowId ? { ...row, ...change } : row)));
  }

  function addCategory() {
    const rowId = newClientId();
    setCategories((rows) => [...rows, { rowId, key: null, label: '', requiresWarning: false }]);
    focusLater(`${idPrefix}-cw-${rowId}`);
  }

  function addResource() {
    const rowId = newClientId();
    setResources((rows) => [
      ...rows,
      { rowId, name: '', phone: '', text: '', link: '', hours: '' },
    ]);
    focusLater(`${idPrefix}-cr-${rowId}`);
  }

  return (
    <FormSection
      title="Group settings"
      submitLabel="Save settings"
      onSubmit={submit}
      pending={pending}
      error={problem ?? error}
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
      <Field
        label="Capacity"
        name="capacity"
        type="number"
        inputMode="numeric"
        required
        min={limits.groupCapacityMin}
        max={limits.groupCapacityMax}
        step={1}
        hint={
          `How many participants the group has room for (${String(limits.groupCapacityMin)} ` +
          `to ${String(limits.groupCapacityMax)}); facilitators are not counted. When it is ` +
          'full, new people join a waitlist.'
        }
        value={capacity}
        onChange={(event) => {
          setCapacity(event.target.value);
        }}
      />
      <CheckboxField
        label="Use a waiting room"
        name="waitingRoom"
        hint="Participants arrive in a waiting room, where they see the session’s brief, before the conversation starts."
        checked={waitingRoom}
        onChange={(event) => {
          setWaitingRoom(event.target.checked);
        }}
      />
      <CheckboxField
        label="New members need approval"
        name="approvalRequired"
        hint="A facilitator approves each person who joins through an invite before they can take part."
        checked={approvalRequired}
        onChange={(event) => {
          setApprovalRequired(event.target.checked);
        }}
      />
      <Field
        label="Keep room content for (hours)"
        name="retentionHours"
        type="number"
        inputMode="numeric"
        required
        min={0}
        max={limits.retentionHoursMax}
        step={1}
        hint={
          'How long what was said in a session is kept after it closes; then it is deleted for ' +
          `good. 0 deletes it within a minute of the close. At most ${String(limits.retentionHoursMax)} hours (30 days).`
        }
        value={retentionHours}
        onChange={(event) => {
          setRetentionHours(event.target.value);
        }}
      />

      <fieldset className="stack">
        <legend>Content-warning categories</legend>
        <p className="hint">
          Members choose from these when they put a content warning on a message. For a category
          that requires a warning, they are asked to add one when a message touches on it: Hearth
          recognises the words of the categories it comes with, not of categories added here.
        </p>
        {categories.length === 0 ? (
          <p className="empty">There are no categories.</p>
        ) : (
          <ul className="rows">
            {categories.map((row, index) => (
              <li key={row.rowId} className="row">
                {/* Inside the item: as the item's own role, the group would hide it, and the list its count. */}
                <div className="row-category" role="group" aria-label={`Category ${String(index + 1)}`}>
                  <Field
                    id={`${idPrefix}-cw-${row.rowId}`}
                    label="Category name"
                    required
                    minLength={2}
                    maxLength={60}
                    value={row.label}
                    onChange={(event) => {
                      updateCategory(row.rowId, { label: event.target.value });
                    }}
                  />
                  <CheckboxField
                    label="Requires a warning"
                    checked={row.requiresWarning}
                    onChange={(event) => {
                      updateCategory(row.rowId, { requiresWarning: event.target.checked });
                    }}
                  />
                  <button
                    type="button"
                    className="button-secondary button-small"
                    onClick={() => {
                      setCategories((rows) => rows.filter((r) => r.rowId !== row.rowId));
                      addCategoryButton.current?.focus();
                    }}
                  >
                    Remove
                    <span className="visually-hidden">
                      {' '}
                      category {row.label.trim() || String(index + 1)}
                    </span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button
            ref={addCategoryButton}
            type="button"
            className="button-secondary"
            onClick={addCategory}
            disabled={categories.length >= categoriesMax}
          >
            Add a category
          </button>
        </div>
      </fieldset>

      <fieldset className="stack">
        <legend>Crisis resources</legend>
        <p className="hint">
          Shown on the group’s page and in its rooms, for anyone who needs help outside the group.
          Give each one a phone number, a text line or a link.
        </p>
        {resources.length === 0 ? (
          <p className="empty">There are no crisis resources yet.</p>
        ) : (
          <ul className="rows">
            {resources.map((row, index) => (
              <li key={row.rowId}>
                <ResourceFields
                  row={row}
                  index={index}
                  nameId={`${idPrefix}-cr-${row.rowId}`}
                  onChange={(change) => {
                    updateResource(row.rowId, change);
                  }}
                  onRemove={() => {
                    setResources((rows) => rows.filter((r) => r.rowId !== row.rowId));
                    addResourceButton.current?.focus();
                  }}
                />
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button
            ref={addResourceButton}
            type="button"
            className="button-secondary"
            onClick={addResource}
            disabled={resources.length >= limits.crisisResourcesMax}
          >
            Add a crisis resource
          </button>
        </div>
      </fieldset>
    </FormSection>
  );
}

function ResourceFields({
  row,
  index,
  nameId,
  onChange,
  onRemove,
}: {
  row: ResourceRow;
  index: number;
  nameId: string;
  onChange: (change: Partial<ResourceRow>) => void;
  onRemove: () => void;
}) {
  const number = String(index + 1);
  return (
    <fieldset className="stack row">
      <legend>Crisis resource {number}</legend>
      <Field
        id={nameId}
        label="Name"
        required
        minLength={2}
        maxLength={80}
        value={row.name}
        onChange={(event) => {
          onChange({ name: event.target.value });
        }}
      />
      <div className="field-pair">
        <Field
          label="Phone"
          type="tel"
          autoComplete="off"
          maxLength={40}
          value={row.phone}
          onChange={(event) => {
            onChange({ phone: event.target.value });
          }}
        />
        <Field
          label="Text line"
          autoComplete="off"
          maxLength={80}
          hint="A number to text, and any word to send."
          value={row.text}
          onChange={(event) => {
            onChange({ text: event.target.value });
          }}
        />
      </div>
      <Field
        label="Link"
        type="url"
        autoComplete="off"
        maxLength={300}
        placeholder="https://"
        value={row.link}
        onChange={(event) => {
          onChange({ link: event.target.value });
        }}
      />
      <Field
        label="Hours"
        autoComplete="off"
        maxLength={80}
        hint="When it is open, such as “Every day, 24 hours”."
        value={row.hours}
        onChange={(event) => {
          onChange({ hours: event.target.value });
        }}
      />
      <div className="actions">
        <button type="button" className="button-secondary button-small" onClick={onRemove}>
          Remove
          <span className="visually-hidden"> crisis resource {row.name.trim() || number}</span>
        </button>
      </div>
    </fieldset>
  );
}
