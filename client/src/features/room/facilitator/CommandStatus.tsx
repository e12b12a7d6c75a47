/** What came of the last action: the error announced at once, the outcome politely. */
export function CommandStatus({ error, done }: { error: string | null; done: string | null }) {
  return (
    <>
      <p className={done ? 'hint console-done' : 'visually-hidden'} role="status">
        {done ?? ''}
      </p>
      {error && (
        <p className="msg-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
