from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_012(MlmarketCheck):
    rule_id = "CKV_MLM_012"


check = CKV_MLM_012()
