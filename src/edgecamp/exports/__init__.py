"""Data out of edgecamp for partners (issue 14, exports): the registry as XLSX or CSV
(households and members, joined by household number, HXL-tagged, streamed), and population
figures by site, sex and age bracket with small cells suppressed (no personal data)."""
