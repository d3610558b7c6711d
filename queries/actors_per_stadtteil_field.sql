-- title.de: Akteure je Stadtteil und Handlungsfeld
-- title.en: Actors per Stadtteil and field of action
-- description: Number of public actors per Stadtteil (with the city-wide and outside buckets) and field of action; an actor with several fields counts once in each.
SELECT ed.district_id AS stadtteil, f.value AS field, count(DISTINCT e.id) AS actors
FROM entities e
JOIN entity_districts ed ON ed.entity_id = e.id AND ed.level = 'stadtteil'
JOIN json_each(json_extract(e.record, '$.fields')) f
WHERE e.visibility = 'public'
GROUP BY ed.district_id, f.value
ORDER BY ed.district_id, f.value
