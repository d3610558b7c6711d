-- title.de: Erfolgsgeschichten je Stadtbezirk
-- title.en: Success stories per Stadtbezirk
-- description: Completed projects and initiatives per Stadtbezirk, as evidence for the bid.
SELECT ed.district_id AS stadtbezirk, count(*) AS completed, group_concat(e.name, '; ') AS names
FROM entities e
JOIN entity_districts ed ON ed.entity_id = e.id AND ed.level = 'stadtbezirk'
WHERE e.kind IN ('project', 'initiative') AND e.status = 'completed' AND e.visibility = 'public'
GROUP BY ed.district_id
ORDER BY ed.district_id
