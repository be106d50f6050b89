from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_002(MlmarketCheck):
    rule_id = "CKV_MLM_002"


check = CKV_MLM_002()
