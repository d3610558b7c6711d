-- title.de: Initiativen und Projekte mit ihren Partnern
-- title.en: Initiatives and projects with their member and partner organisations
-- description: One row per (initiative or project, partner or member) relation.
SELECT v.to_id AS id, v.to_name AS name, t.kind, v.role, v.from_id AS partner, v.from_name AS partner_name
FROM v_relations v
JOIN entities t ON t.id = v.to_id
WHERE t.kind IN ('initiative', 'project') AND v.role IN ('partner', 'member')
ORDER BY v.to_id, v.role, v.from_id
