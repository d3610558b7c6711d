-- title.de: Akteure außerhalb der Stadt
-- title.en: Actors outside the city
-- description: Actors whose point or area lies outside every Stadtbezirk.
SELECT id, name, kind, lon, lat
FROM v_entities
WHERE stadtbezirk = 'outside'
ORDER BY id
