from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_014(MlmarketCheck):
    rule_id = "CKV_MLM_014"


check = CKV_MLM_014()
