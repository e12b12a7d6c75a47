import type { CrisisResource } from '@hearth/shared';

/** The group's crisis resources: a name, and ways to reach them (call, text, website). */
export function CrisisResourceList({ resources }: { resources: readonly CrisisResource[] }) {
  return (
    <ul className="card-list">
      {resources.map((resource, index) => (
        <li key={`${String(index)}-${resource.name}`} className="card">
          <h3 className="card-title">{resource.name}</h3>
          <ul className="plain-list">
            {resource.phone && (
              <li>
                Call <a href={`tel:${resource.phone.replace(/[^\d+]/g, '')}`}>{resource.phone}</a>
              </li>
            )}
            {resource.text && <li>Text {resource.text}</li>}
            {resource.link && (
              <li>
                <a href={resource.link} target="_blank" rel="noopener noreferrer">
                  {resource.link.replace(/^https?:\/\//, '')}
                  <span className="visually-hidden"> (opens in a new tab)</span>
                </a>
              </li>
            )}
            {resource.hours && <li className="meta">{resource.hours}</li>}
          </ul>
        </li>
      ))}
    </ul>
  );
}
