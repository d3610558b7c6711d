-- title.de: Partner ohne Prüfung in den letzten 12 Monaten
-- title.en: Partners not verified in the last 12 months
-- description: Partners whose verified_on date is missing or older than :months months.
-- param: months integer = 12
SELECT id, name, category, verified_on
FROM entities
WHERE kind = 'partner'
  AND (verified_on IS NULL OR verified_on < date('now', '-' || :months || ' months'))
ORDER BY name, id
