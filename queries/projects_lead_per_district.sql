-- title.de: Projekte und ihre Federführung je Stadtbezirk
-- title.en: Projects and their lead per Stadtbezirk
-- description: Every project with its Stadtbezirk (or city-wide/outside) and the partner that leads it.
SELECT ed.district_id AS stadtbezirk, p.id AS project, p.name AS project_name, p.status,
       r.from_id AS lead, l.name AS lead_name
FROM entities p
JOIN entity_districts ed ON ed.entity_id = p.id AND ed.level = 'stadtbezirk'
LEFT JOIN relations r ON r.to_id = p.id AND r.role = 'lead'
LEFT JOIN entities l ON l.id = r.from_id
WHERE p.kind = 'project' AND p.visibility = 'public'
ORDER BY ed.district_id, p.name, r.from_id
