# Sourced by the scripts: the custom search attributes, as `temporal server start-dev` flags.
# Keep in step with workflows/search-attributes.ts (test/workflows checks it).
AFTERCARE_SEARCH_ATTRIBUTES=(
  --search-attribute Product=Keyword
  --search-attribute CustomerId=Keyword
  --search-attribute Severity=Keyword
  --search-attribute CaseStatus=Keyword
  --search-attribute Breached=Bool
  --search-attribute EscalationTier=Int
  --search-attribute NextDueAt=Datetime
  --search-attribute ContractId=Keyword
)
