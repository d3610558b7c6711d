-- title.de: Partner im Umkreis eines Stadtteils
-- title.en: Partners within a radius of a district
-- description: Partners with a point within :radius metres of the district (0 = inside), nearest first.
-- param: district text = 'Neustadt'
-- param: radius real = 500
SELECT id, name, category, round(distance_to_district_m(lon, lat, :district), 1) AS distance_m
FROM v_entities
WHERE kind = 'partner' AND visibility = 'public' AND lon IS NOT NULL
  AND distance_to_district_m(lon, lat, :district) <= :radius
ORDER BY distance_to_district_m(lon, lat, :district), id
