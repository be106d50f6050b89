from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_007(MlmarketCheck):
    rule_id = "CKV_MLM_007"


check = CKV_MLM_007()
