-- title.de: Stadtteile ohne Bildungsakteur
-- title.en: Stadtteile without any education actor
-- description: Stadtteile where no public actor works in the field of action :field (default bildung).
-- param: field text = 'bildung'
SELECT d.id, d.name, d.provisional
FROM districts d
WHERE d.level = 'stadtteil'
  AND NOT EXISTS (
    SELECT 1 FROM entity_districts ed
    JOIN entities e ON e.id = ed.entity_id AND e.visibility = 'public'
    JOIN json_each(json_extract(e.record, '$.fields')) f ON f.value = :field
    WHERE ed.level = 'stadtteil' AND ed.district_id = d.id)
ORDER BY d.name
