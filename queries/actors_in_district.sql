-- title.de: Akteure mit Standort in einem Stadtteil
-- title.en: Actors with a point in a district
-- description: Actors whose point lies in :district (name, id or alias), with the Stadtbezirk and Viertel it falls in.
-- param: district text = 'Altstadt'
SELECT id, name, kind, district_of(lon, lat, 'stadtbezirk') AS stadtbezirk, district_of(lon, lat, 'viertel') AS viertel
FROM v_entities
WHERE lon IS NOT NULL AND in_district(lon, lat, :district) = 1
ORDER BY id
