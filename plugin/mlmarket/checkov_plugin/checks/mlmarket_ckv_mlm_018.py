from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_018(MlmarketCheck):
    rule_id = "CKV_MLM_018"


check = CKV_MLM_018()
