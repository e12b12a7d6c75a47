/** Where a person lands after erasing their account: outside the pages that need a login. */
export const erasedPath = '/account/erased';
