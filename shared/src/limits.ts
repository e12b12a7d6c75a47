/** Limits shared by the server's validation and the client's forms, so they cannot disagree. */
export const limits = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 10,
  passwordMax: 256,
  pseudonymMin: 2,
  pseudonymMax: 32,
  groupNameMax: 80,
  groupDescriptionMax: 2000,
  sessionTitleMax: 120,
  sessionBriefMax: 1000,
  agreementTextMax: 10_000,
  crisisResourcesMax: 10,
  groupCapacityMin: 2,
  groupCapacityMax: 200,
  retentionHoursMax: 720,
  inviteDaysMax: 30,
  sessionDurationMinutesMin: 5,
  sessionDurationMinutesMax: 480,
  messageTextMax: 4000,
  cwNoteMax: 140,
  /** How many categories one content warning names at most. */
  cwCategoriesMax: 5,
  checkInWordMax: 24,
  reasonMax: 500,
  pauseSecondsMin: 30,
  pauseSecondsMax: 900,
  slowModeSecondsMax: 300,
  muteMinutesMax: 120,
  /** How many missed messages one join or catch-up answer carries at most. */
  catchUpPageSize: 500,
} as const;

/** Bumped when a change to the socket protocol would break older clients. */
export const PROTOCOL_VERSION = 2;
