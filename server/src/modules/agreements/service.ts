import type { Agreement, AgreementAcceptanceList } from '@hearth/shared';
import { desc, eq, max } from 'drizzle-orm';
import type { Db, Store } from '../../db/database.ts';
import { agreementAcceptances, agreementVersions, groups, memberships } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../accounts/service.ts';
import type { GroupGate } from '../groups/gate.ts';
import { recordAudit } from '../audit/service.ts';

type VersionRow = typeof agreementVersions.$inferSelect;

export type AgreementsService = ReturnType<typeof createAgreementsService>;

export function createAgreementsService(store: Store, deps: { access: GroupGate }) {
  const { db } = store;
  const { access } = deps;

  async function currentVersion(executor: Db, groupId: string): Promise<VersionRow | null> {
    const [row] = await executor
      .select()
      .from(agreementVersions)
      .where(eq(agreementVersions.groupId, groupId))
      .orderBy(desc(agreementVersions.version))
      .limit(1);
    return row ?? null;
  }

  async function acceptedVersion(membershipId: string): Promise<number | null> {
    const [row] = await db
      .select({ version: max(agreementVersions.version) })
      .from(agreementAcceptances)
      .innerJoin(agreementVersions, eq(agreementVersions.id, agreementAcceptances.agreementVersionId))
      .where(eq(agreementAcceptances.membershipId, membershipId));
    return row?.version ?? null;
  }

  async function current(groupId: string, membershipId: string | null): Promise<Agreement | null> {
    const version = await currentVersion(db, groupId);
    if (!version) return null;
    return {
      version: version.version,
      text: version.text,
      publishedAt: version.publishedAt.toISOString(),
      acceptedVersion: membershipId ? await acceptedVersion(membershipId) : null,
    };
  }

  /** Publishes the next version inside the caller's transaction. */
  async function publishIn(tx: Db, groupId: string, text: string, accountId: string) {
    // The group row lock keeps two publishers from taking the same version number.
    await tx.select({ id: groups.id }).from(groups).where(eq(groups.id, groupId)).for('update');
    const latest = await currentVersion(tx, groupId);
    const [row] = await tx
      .insert(agreementVersions)
      .values({ groupId, version: (latest?.version ?? 0) + 1, text, publishedBy: accountId })
      .returning();
    return row!;
  }

  return {
    current,
    publishIn,

    async view(actor: Actor, groupId: string): Promise<Agreement> {
      const { membership } = await access(actor, groupId, 'group.view');
      const agreement = await current(groupId, membership?.id ?? null);
      if (!agreement) throw new AppError('not_found', 'This group has no agreements yet.');
      return agreement;
    },

    async publish(actor: Actor, groupId: string, text: string): Promise<Agreement> {
      const { membership } = await access(actor, groupId, 'agreement.publish');
      await store.transaction(async (tx) => {
        const row = await publishIn(tx, groupId, text, actor.accountId);
        await recordAudit(tx, actor, { groupId, action: 'agreement.publish', target: `version ${row.version}` });
      });
      return (await current(groupId, membership?.id ?? null))!;
    },

    /** Records that the actor accepted this exact version, which must be the current one. */
    async accept(actor: Actor, groupId: string, version: number): Promise<Agreement> {
      const { membership } = await access(actor, groupId, 'agreement.accept');
      const latest = await currentVersion(db, groupId);
      if (!latest || latest.version !== version) {
        throw new AppError(
          'conflict',
          'The agreements were updated a moment ago. Please read the new version before accepting.',
        );
      }
      await db
        .insert(agreementAcceptances)
        .values({ membershipId: membership!.id, agreementVersionId: latest.id })
        .onConflictDoNothing();
      return (await current(groupId, membership!.id))!;
    },

    async acceptances(actor: Actor, groupId: string): Promise<AgreementAcceptanceList> {
      await access(actor, groupId, 'agreement.acceptances');
      const latest = await currentVersion(db, groupId);
      const rows = await db
        .select({
          memberId: memberships.id,
          pseudonym: memberships.pseudonym,
          version: agreementVersions.version,
          acceptedAt: agreementAcceptances.acceptedAt,
        })
        .from(agreementAcceptances)
        .innerJoin(agreementVersions, eq(agreementVersions.id, agreementAcceptances.agreementVersionId))
        .innerJoin(memberships, eq(memberships.id, agreementAcceptances.membershipId))
        .where(eq(agreementVersions.groupId, groupId))
        .orderBy(desc(agreementAcceptances.acceptedAt));
      return {
        currentVersion: latest?.version ?? 0,
        acceptances: rows.map((row) => ({ ...row, acceptedAt: row.acceptedAt.toISOString() })),
      };
    },

    /**
     * Refuses entry to a room until the member has accepted the group's current agreements;
     * returns them (null for a group without any), which the room shows pinned.
     */
    async requireAccepted(groupId: string, membershipId: string): Promise<{ version: number; text: string } | null> {
      const [latest, accepted] = await Promise.all([
        currentVersion(db, groupId),
        acceptedVersion(membershipId),
      ]);
      if (latest && accepted !== latest.version) {
        throw new AppError(
          'agreement_required',
          'Please read and accept the group’s current agreements before entering the room.',
        );
      }
      return latest ? { version: latest.version, text: latest.text } : null;
    },
  };
}

