import type { CrisisResource, Message, RoomNotice } from '@hearth/shared';
import { CrisisResourceList } from '../../components/crisisResources.tsx';
import { formatTime, memberName } from '../../lib/format.ts';

/**
 * What a facilitator did that concerns this person, told only to them, in the server's plain
 * words; each can be put away. Someone whose words matched crisis language is offered the
 * group's resources, gently. The region is always in the page, so a new notice is announced.
 */
export function RoomNotices({
  notices,
  resources,
  onDismiss,
}: {
  notices: readonly RoomNotice[];
  resources: readonly CrisisResource[];
  onDismiss: (kind: RoomNotice['kind']) => void;
}) {
  return (
    <div className="room-notices" role="status">
      {notices.map((notice) => (
        <div key={notice.kind} className={notice.kind === 'support_offered' ? 'room-card' : 'notice room-notice'}>
          <p>{notice.message}</p>
          {notice.kind === 'muted' && notice.until && (
            <p>
              You can write again at <time dateTime={notice.until}>{formatTime(notice.until)}</time>.
              You can keep reading, and write your next message meanwhile.
            </p>
          )}
          {notice.kind === 'support_offered' && (
            <>
              <p>The facilitators are here for you too. If you would like to talk, you can message them privately.</p>
              {resources.length > 0 && <CrisisResourceList resources={resources} />}
            </>
          )}
          <button
            type="button"
            className="button-inline"
            onClick={() => {
              onDismiss(notice.kind);
            }}
          >
            {notice.kind === 'support_offered' ? 'Close' : 'Dismiss'}
            <span className="visually-hidden"> this note</span>
          </button>
        </div>
      ))}
    </div>
  );
}

/** The latest announcement, pinned under the agreements until the reader puts it away. */
export function PinnedAnnouncement({ message, onDismiss }: { message: Message; onDismiss: () => void }) {
  return (
    <aside className="pinned-announcement" aria-label="Announcement">
      <p className="announcement-from">Announcement from {memberName(message.author)}</p>
      <p className="msg-text">{message.text}</p>
      <button type="button" className="button-inline" onClick={onDismiss}>
        Dismiss<span className="visually-hidden"> the announcement</span>
      </button>
    </aside>
  );
}
