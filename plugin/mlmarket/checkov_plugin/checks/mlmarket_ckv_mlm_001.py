from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_001(MlmarketCheck):
    rule_id = "CKV_MLM_001"


check = CKV_MLM_001()
