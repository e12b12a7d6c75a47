import { Page, PageHeading } from '../components/layout.tsx';
import { Link } from '../lib/router.tsx';

/** What quick exit does, and, just as plainly, what it cannot do. */
export function QuickExitHelpPage() {
  return (
    <Page title="Help">
      <p className="breadcrumb">
        <Link to="/">Your groups</Link>
      </p>
      <PageHeading>About quick exit</PageHeading>
      <div className="prose-blocks">
        <p>
          The <strong>Quick exit</strong> button is in the top corner of every page of Hearth.
          You can also press the <kbd>Shift</kbd> key three times quickly, wherever you are in
          Hearth.
        </p>
        <h2>What it does</h2>
        <ul>
          <li>It leaves Hearth at once and opens a neutral website (a weather page).</li>
          <li>
            It replaces the page you were on, so pressing Back does not bring you back to the
            room.
          </li>
          <li>It logs you out of Hearth.</li>
          <li>It clears what Hearth kept in this browser while you used it.</li>
        </ul>
        <p>
          Nobody in the room is told that you used it. Others see only that you are no longer
          there. You can come back whenever you want, by logging in again.
        </p>
        <h2>What it cannot do</h2>
        <ul>
          <li>
            Your browser still keeps a history of the pages you opened before, including
            Hearth’s address. Quick exit cannot remove that history.
          </li>
          <li>
            To leave fewer traces, you can use a private or incognito window when you use
            Hearth, and clear your browsing history afterwards.
          </li>
          <li>
            If you think someone is checking your device, a device they cannot reach (for
            example at a library or a friend’s) may be safer.
          </li>
        </ul>
      </div>
    </Page>
  );
}
