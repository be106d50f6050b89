from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_015(MlmarketCheck):
    rule_id = "CKV_MLM_015"


check = CKV_MLM_015()
